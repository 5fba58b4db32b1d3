package workflow

import (
	"slices"
	"strings"
)

// Language is what the run time knows of a spoken language: the built-in
// caller messages of the handoffs callspec decides itself, and the
// placeholders language models write instead of "no answer". The phrase
// lists of the lint rules (rules/phrases.go) are keyed by the same tags.
type Language struct {
	// Tag is the base language subtag of BCP 47 (en, es, …).
	Tag string
	// Name is the language's English name, for messages and docs.
	Name string
	// IncompleteMessage is told to a caller whose call missed required
	// fields (incomplete_call), unless the spec's incomplete: block sets
	// caller_message.
	IncompleteMessage string
	// CallFailedMessage and NoAnswerMessage are the caller_message of the
	// call_failed and no_answer handoffs: the caller heard no closing
	// message, and the person who takes over is told so.
	CallFailedMessage string
	NoAnswerMessage   string
	// Placeholders are the values (folded by foldPlaceholder) that mean "no
	// answer" in this language, on top of universalPlaceholders.
	Placeholders []string
}

// DefaultLanguage is the language of a spec without `language:`.
const DefaultLanguage = "en"

// universalPlaceholders are written by models whatever the language.
var universalPlaceholders = []string{
	"-", "--", "---", "–", "—", "?", "??", "...", "…", "n/a", "n.a.", "null", "nil", "undefined", "none",
}

// languages are the supported languages. Every list was written and read
// by a speaker's standard; TestLanguages checks real values per language.
var languages = []*Language{
	{
		Tag: "en", Name: "English",
		IncompleteMessage: "I could not collect everything the team needs. A person from the team will follow up with you.",
		CallFailedMessage: "The call failed before the assistant could finish, so the caller was not told what happens next.",
		NoAnswerMessage:   "Nobody answered the call, so nothing was said to the caller.",
		Placeholders: []string{
			"na", "unknown", "not provided", "not given", "not specified", "unspecified", "not available",
			"unavailable", "not applicable", "not mentioned", "not stated", "not known", "no answer",
			"no response", "none given", "none provided", "tbd", "i don't know", "don't know", "not sure",
		},
	},
	{
		Tag: "es", Name: "Spanish",
		IncompleteMessage: "No he podido recoger todo lo que el equipo necesita. Una persona del equipo se pondrá en contacto con usted.",
		CallFailedMessage: "La llamada falló antes de que el asistente terminara, así que no se dijo a la persona qué pasará después.",
		NoAnswerMessage:   "Nadie contestó la llamada, así que no se dijo nada a la persona.",
		Placeholders: []string{
			"desconocido", "desconocida", "ninguno", "ninguna", "nada", "no proporcionado", "no proporcionada",
			"no indicado", "no indicada", "no especificado", "no especificada", "no disponible", "no aplica",
			"no mencionado", "no mencionada", "sin respuesta", "sin datos", "no sé", "no se", "no lo sé", "no lo se",
		},
	},
	{
		Tag: "fr", Name: "French",
		IncompleteMessage: "Je n'ai pas pu recueillir tout ce dont l'équipe a besoin. Une personne de l'équipe vous recontactera.",
		CallFailedMessage: "L'appel a échoué avant que l'assistant ne termine ; l'appelant n'a pas été informé de la suite.",
		NoAnswerMessage:   "Personne n'a répondu à l'appel ; rien n'a été dit à l'appelant.",
		Placeholders: []string{
			"inconnu", "inconnue", "aucun", "aucune", "néant", "non fourni", "non fournie", "non renseigné",
			"non renseignée", "non précisé", "non précisée", "non spécifié", "non spécifiée", "non disponible",
			"non applicable", "sans objet", "pas de réponse", "je ne sais pas", "je sais pas", "nc", "n.c.",
		},
	},
	{
		Tag: "de", Name: "German",
		IncompleteMessage: "Ich konnte nicht alles erfassen, was das Team braucht. Eine Person aus dem Team wird sich bei Ihnen melden.",
		CallFailedMessage: "Der Anruf ist fehlgeschlagen, bevor der Assistent fertig war; dem Anrufer wurde nicht gesagt, wie es weitergeht.",
		NoAnswerMessage:   "Niemand hat den Anruf angenommen; dem Anrufer wurde nichts gesagt.",
		Placeholders: []string{
			"unbekannt", "kein", "keine", "keiner", "keine angabe", "keine angaben", "nicht angegeben",
			"nicht bekannt", "nicht verfügbar", "nicht zutreffend", "entfällt", "k. a.", "k.a.", "keine antwort",
			"weiß nicht", "weiss nicht", "ich weiß nicht", "ich weiss nicht",
		},
	},
	{
		Tag: "pt", Name: "Portuguese",
		IncompleteMessage: "Não consegui recolher tudo o que a equipa precisa. Uma pessoa da equipa vai entrar em contacto consigo.",
		CallFailedMessage: "A chamada falhou antes de o assistente terminar, por isso não foi dito à pessoa o que acontece a seguir.",
		NoAnswerMessage:   "Ninguém atendeu a chamada, por isso nada foi dito à pessoa.",
		Placeholders: []string{
			"desconhecido", "desconhecida", "nenhum", "nenhuma", "nada", "não informado", "não informada",
			"não fornecido", "não fornecida", "não indicado", "não indicada", "não especificado",
			"não especificada", "não disponível", "não se aplica", "sem resposta", "não sei", "n/d",
		},
	},
}

// LookupLanguage returns the supported language of a BCP 47 base tag
// ("" is DefaultLanguage). Lint resolves a spec's full tag (es-MX, pt-BR)
// to its base with golang.org/x/text/language before it gets here.
func LookupLanguage(tag string) (*Language, bool) {
	if tag == "" {
		tag = DefaultLanguage
	}
	for _, l := range languages {
		if l.Tag == tag {
			return l, true
		}
	}
	return nil, false
}

// Languages lists the supported languages, in the order above (English
// first).
func Languages() []*Language { return languages }

// language is LookupLanguage with English for an unsupported tag: lint
// reports that the phrase checks are off, and the built-in messages fall
// back to English unless the spec sets its own.
func language(tag string) *Language {
	if l, ok := LookupLanguage(tag); ok {
		return l
	}
	return languages[0]
}

// IsPlaceholder reports whether s is a value that means "no answer" in
// the language tagged lang (or in any language: "N/A", "-", "null").
// Case, surrounding white space, quotes, brackets and a final full stop do
// not count. Unsupported languages get the universal list only.
func IsPlaceholder(lang, s string) bool {
	// Most values are answers, many of them long: skip folding them.
	if len(s) > longestPlaceholder+placeholderSlack {
		return false
	}
	folded := foldPlaceholder(s)
	if folded == "" {
		return false
	}
	l, ok := LookupLanguage(lang)
	for _, v := range []string{folded, strings.TrimSuffix(folded, ".")} {
		if slices.Contains(universalPlaceholders, v) || ok && slices.Contains(l.Placeholders, v) {
			return true
		}
	}
	return false
}

// longestPlaceholder is the length in bytes of the longest placeholder;
// placeholderSlack allows for the quotes, brackets and spaces around one.
var longestPlaceholder = func() int {
	n := 0
	for _, l := range languages {
		for _, p := range slices.Concat(universalPlaceholders, l.Placeholders) {
			n = max(n, len(p))
		}
	}
	return n
}()

const placeholderSlack = 16

// foldPlaceholder lower-cases s and strips what models put around a
// placeholder: white space, quotes and brackets.
func foldPlaceholder(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for {
		t := strings.TrimSpace(strings.Trim(s, "\"'`“”‘’«»[]()<>{}"))
		if t == s {
			return s
		}
		s = t
	}
}
