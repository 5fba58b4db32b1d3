package rules

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/kernel/workflow"
)

// phrases are the phrase lists of one language, for missing-disclosure
// and handoff-caller-message. Matching ignores case and accents
// ("automatico" matches "automático*"). Every list was checked against
// real sentences in TestPhrasesPerLanguage, good and bad.
type phrases struct {
	// automation tells the caller that no person is speaking.
	automation phraseSet
	// recording tells the caller that the call may be recorded.
	recording phraseSet
	// noRecording denies recording; it wins over recording.
	noRecording phraseSet
	// commitment promises an outcome that only a person may promise.
	commitment phraseSet
	// nextStep says what happens after the handoff: who acts, or that the
	// caller is being passed on.
	nextStep phraseSet
}

// phrasesByLanguage is keyed by the base language tag, like
// workflow.LookupLanguage; a test keeps the two lists of languages equal.
var phrasesByLanguage = map[string]*phrases{
	"en": {
		automation: newPhraseSet([]string{
			"automated", "automatic", "ai", "artificial intelligence", "bot", "chatbot", "robot",
			"virtual assistant", "virtual receptionist", "virtual agent", "digital assistant",
			"voice assistant", "not a person", "not a human",
		}),
		recording: newPhraseSet([]string{
			"recorded", "recording", "record this call", "record the call", "record calls", "record your call",
		}),
		noRecording: newPhraseSet([]string{
			"not recorded", "not be recorded", "not being recorded", "never recorded", "isn't recorded",
			"won't be recorded", "is not recorded", "no recording", "not record",
		}),
		commitment: newPhraseSet([]string{
			"we will fix", "we'll fix", "will be fixed", "will be repaired", "will be replaced",
			"approved", "is accepted", "has been accepted",
			"guarantee*", "refund*", "reimburs*", "compensat*", "waive*",
			"you are covered", "you're covered", "is covered", "will be covered",
			"you qualify", "you are eligible", "you're eligible",
			"free of charge", "no charge", "at no cost",
			"will be credited", "credit your account",
			"is resolved", "has been resolved", "will be resolved", "we will resolve", "we'll resolve",
			"is confirmed", "has been confirmed", "is booked", "has been booked",
			"promise*",
		}),
		nextStep: newPhraseSet([]string{
			"will", "'ll", "going to", "shall", "you back", "get back to you", "follow up", "follow-up",
			"contact you", "reach out", "transfer*", "connect*", "put you through", "passing", "passed",
			"forward*", "stay on the line", "hold", "next",
		}),
	},
	"es": {
		automation: newPhraseSet([]string{
			"automático", "automática", "automatizado", "automatizada", "asistente virtual", "agente virtual",
			"recepcionista virtual", "asistente digital", "asistente de voz", "inteligencia artificial", "ia",
			"bot", "chatbot", "robot", "no es una persona", "no soy una persona", "no soy un humano",
		}),
		recording: newPhraseSet([]string{
			"grabada", "grabado", "grabación", "grabaciones", "grabar*", "grabamos", "grabando", "se graba",
		}),
		noRecording: newPhraseSet([]string{
			"no será grabada", "no será grabado", "no se graba", "no se grabará", "no está siendo grabada",
			"no grabamos", "sin grabación", "nunca se graba", "no es grabada",
		}),
		commitment: newPhraseSet([]string{
			"lo arreglaremos", "vamos a arreglar*", "será reparad*", "será arreglad*", "será sustituid*",
			"aprobad*", "garantizad*", "garantizamos", "le garantizo", "garantía*", "reembols*",
			"le devolveremos el dinero", "compensa*", "indemniz*", "está cubiert*", "estará cubiert*",
			"queda cubiert*", "sin coste", "sin costo", "sin cargo", "gratis", "gratuit*", "es elegible",
			"tiene derecho", "está resuelto", "quedará resuelto", "está confirmad*", "queda confirmad*",
			"está reservad*", "promet*",
		}),
		nextStep: newPhraseSet([]string{
			"llamará", "llamarán", "le llamaremos", "devolverá la llamada", "pondrá en contacto",
			"pondremos en contacto", "contactará", "contactarán", "atenderá", "revisará", "revisarán",
			"escribirá", "responderá", "hará seguimiento", "seguimiento", "transfier*", "transferir*",
			"le paso", "le pasaré", "le comunico", "conect*", "no cuelgue", "espere", "un momento",
			"va a", "van a", "vamos a", "a continuación", "próximo", "próxima",
		}),
	},
	"fr": {
		automation: newPhraseSet([]string{
			"automatisé", "automatisée", "automatique", "assistant virtuel", "assistante virtuelle",
			"agent virtuel", "réceptionniste virtuel*", "assistant vocal", "assistant numérique",
			"intelligence artificielle", "ia", "bot", "chatbot", "robot", "pas une personne", "pas un humain",
		}),
		recording: newPhraseSet([]string{
			"enregistré*", "enregistrement*", "enregistrer", "enregistrons",
		}),
		noRecording: newPhraseSet([]string{
			"pas enregistré*", "jamais enregistré*", "aucun enregistrement", "n'enregistrons pas",
			"sans enregistrement", "ne sera pas enregistré*",
		}),
		commitment: newPhraseSet([]string{
			"nous allons réparer", "nous réparerons", "sera réparé*", "sera remplacé*", "approuvé*",
			"est accepté*", "garanti*", "rembours*", "indemnis*", "compens*", "vous êtes couvert*",
			"est couvert*", "sera couvert*", "pris en charge", "gratuit*", "sans frais", "vous êtes éligible*",
			"vous avez droit", "est résolu*", "sera résolu*", "est confirmé*", "est réservé*", "promet*", "promis",
		}),
		nextStep: newPhraseSet([]string{
			"rappellera", "rappelleront", "rappellerons", "vous rappeler", "recontact*", "contactera",
			"contacteront", "prendra contact", "reprendra contact", "reviendra vers vous", "examinera",
			"étudiera", "suivi", "transfér*", "transfert", "mettre en relation", "mets en relation",
			"vous passe", "restez en ligne", "ne quittez pas", "patientez", "va", "vont", "vais", "allons",
			"sera", "prochain*", "ensuite",
		}),
	},
	"de": {
		automation: newPhraseSet([]string{
			"automatisiert*", "automatisch*", "virtuelle assistent*", "virtueller assistent",
			"digitale assistent*", "digitaler assistent", "sprachassistent*", "ki", "künstliche intelligenz",
			"bot", "chatbot", "roboter", "keine person", "kein mensch",
		}),
		recording: newPhraseSet([]string{
			"aufgezeichnet", "aufzeichnung*", "aufzeichnen", "mitgeschnitten", "aufgenommen",
		}),
		noRecording: newPhraseSet([]string{
			"nicht aufgezeichnet", "keine aufzeichnung", "nie aufgezeichnet", "nicht aufgenommen",
			"nicht mitgeschnitten", "ohne aufzeichnung",
		}),
		commitment: newPhraseSet([]string{
			"wir reparieren", "wird repariert", "wird ersetzt", "wird behoben", "genehmigt", "garantier*",
			"garantie*", "erstatt*", "rückerstatt*", "entschädig*", "sie sind versichert", "ist abgedeckt",
			"wird übernommen", "kostenlos", "gratis", "ohne kosten", "sie haben anspruch", "ist gelöst",
			"wird gelöst", "ist bestätigt", "ist gebucht", "versprech*", "verspreche",
		}),
		nextStep: newPhraseSet([]string{
			"wird", "werden", "melden", "meldet sich", "zurückrufen", "ruft sie zurück", "rufen sie zurück",
			"zurück", "kontaktier*", "verbinde*", "weiterleit*", "leite", "bleiben sie dran",
			"bleiben sie in der leitung", "einen moment", "nächste*",
		}),
	},
	"pt": {
		automation: newPhraseSet([]string{
			"automático", "automática", "automatizado", "automatizada", "assistente virtual",
			"assistente digital", "assistente de voz", "agente virtual", "rececionista virtual",
			"recepcionista virtual", "inteligência artificial", "ia", "bot", "chatbot", "robô",
			"não é uma pessoa", "não sou uma pessoa",
		}),
		recording: newPhraseSet([]string{
			"gravada", "gravado", "gravação", "gravações", "gravar*", "gravamos", "gravando",
		}),
		noRecording: newPhraseSet([]string{
			"não será gravad*", "não é gravad*", "não está a ser gravad*", "não está sendo gravad*",
			"não gravamos", "sem gravação", "nunca é gravad*",
		}),
		commitment: newPhraseSet([]string{
			"vamos consertar", "vamos reparar", "será reparad*", "será consertad*", "será substituíd*",
			"aprovad*", "garanti*", "reembols*", "devolveremos o dinheiro", "indeniz*", "indemniz*",
			"compens*", "está coberto", "está coberta", "será coberto", "será coberta", "gratuit*",
			"grátis", "sem custo*", "tem direito", "está resolvid*", "será resolvid*", "está confirmad*",
			"está reservad*", "promet*",
		}),
		nextStep: newPhraseSet([]string{
			"vai", "vão", "vamos", "irá", "irão", "ligará", "ligarão", "ligar de volta", "entrará em contacto",
			"entrará em contato", "entrar em contacto", "entrar em contato", "contactará", "contatará",
			"retornará", "analisará", "acompanhamento", "transfer*", "encaminh*", "aguarde", "não desligue",
			"um momento", "a seguir", "próximo", "próxima",
		}),
	},
}

// phrasesOf returns the phrase lists of the spec's language, and the
// language's tag; ok is false for a language without lists, whose
// phrase checks are off (missing-disclosure says so, as info).
func phrasesOf(p *Pass) (ph *phrases, tag string, ok bool) {
	tag = workflow.DefaultLanguage
	if p.IR != nil && p.IR.Language != "" {
		tag = p.IR.Language
	}
	ph, ok = phrasesByLanguage[tag]
	return ph, tag, ok
}

// phraseSet is a list of phrases prepared for findPhrase. A phrase ending
// in * matches any word that starts with it.
type phraseSet struct {
	list []phrase
	// byFirst lists, for each first code point, the phrases that start
	// with it, in list order: a text is scanned once, not once per phrase.
	byFirst map[rune][]int
}

type phrase struct {
	text   string // without the *
	runes  []rune // lower case
	prefix bool
}

// newPhraseSet prepares a documented phrase list once, at start-up:
// matching runs on every caller message and disclosure of every spec.
func newPhraseSet(list []string) phraseSet {
	set := phraseSet{list: make([]phrase, len(list)), byFirst: map[rune][]int{}}
	for i, p := range list {
		text := strings.TrimSuffix(p, "*")
		set.list[i] = phrase{text: text, runes: normalize(text).runes, prefix: len(text) < len(p)}
		if r := set.list[i].runes; len(r) > 0 {
			set.byFirst[r[0]] = append(set.byFirst[r[0]], i)
		}
	}
	return set
}

// phraseMatch is where a phrase was found in a text, in code points.
type phraseMatch struct {
	From, To int
	Phrase   string
}

// normalizedText is a text folded for phrase matching: lower case without
// accents, curly apostrophes made straight and runs of white space made
// one space. orig maps each code point of the folded text back to the
// original.
type normalizedText struct {
	runes []rune
	orig  []int
}

func normalize(text string) normalizedText {
	n := normalizedText{runes: make([]rune, 0, len(text)), orig: make([]int, 0, len(text))}
	space := false
	i := 0
	for _, r := range text {
		switch {
		case unicode.IsSpace(r):
			if !space && len(n.runes) > 0 {
				n.runes = append(n.runes, ' ')
				n.orig = append(n.orig, i)
			}
			space = true
		default:
			if r == '\u2019' || r == '\u2018' {
				r = '\''
			}
			n.runes = append(n.runes, unaccent(unicode.ToLower(r)))
			n.orig = append(n.orig, i)
			space = false
		}
		i++
	}
	return n
}

// unaccent drops the accents of a letter (é → e, ü → u, ç → c), so that a
// message typed without them still matches; letters that do not
// decompose (ß, ø) stay as they are.
func unaccent(r rune) rune {
	if r < 0x80 {
		return r
	}
	var buf [utf8MaxDecomposed]byte
	d := norm.NFD.Append(buf[:0], []byte(string(r))...)
	if base, size := utf8.DecodeRune(d); size < len(d) && base < 0x80 && unicode.IsLetter(base) {
		return base
	}
	return r
}

// utf8MaxDecomposed is room for a letter and a few combining marks.
const utf8MaxDecomposed = 16

// isWordRune reports whether r belongs to a word of the text; an
// apostrophe does ("won't" is one word).
func isWordRune(r rune) bool { return letterOrDigit(r) || r == '\'' }

// elided reports whether the word at i follows an elided article or
// pronoun (French and Italian l', d', qu', j', n', s', c'): "l'assistant
// virtuel" contains "assistant virtuel".
func elided(runes []rune, i int) bool {
	if i < 2 || runes[i-1] != '\'' {
		return false
	}
	start := i - 1
	for start > 0 && unicode.IsLetter(runes[start-1]) {
		start--
	}
	return i-1-start >= 1 && i-1-start <= 2 && (start == 0 || !isWordRune(runes[start-1]))
}

func letterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// findPhrase returns the first occurrence in text of any of phrases,
// ignoring case and white-space differences. A phrase matches whole words;
// a phrase ending in * matches any word that starts with it ("refund*"
// matches "refunds" and "refunded").
func findPhrase(text string, phrases phraseSet) (phraseMatch, bool) {
	return findNormalized(normalize(text), phrases)
}

// findNormalized is findPhrase over a text already normalized, for
// callers that look for several sets in one text. The match is the one
// that starts first, and of those the phrase listed first: the text is
// scanned from its start, and at each code point the phrases that begin
// with it are tried in list order.
func findNormalized(n normalizedText, phrases phraseSet) (phraseMatch, bool) {
	for i, r := range n.runes {
		for _, k := range phrases.byFirst[r] {
			ph := &phrases.list[k]
			if end, ok := matchAt(n, i, ph); ok {
				return phraseMatch{From: n.orig[i], To: n.orig[end-1] + 1, Phrase: ph.text}, true
			}
		}
	}
	return phraseMatch{From: -1}, false
}

// matchAt reports whether ph occurs as words at code point i of n, and
// where the match ends (past the rest of the word for a prefix).
func matchAt(n normalizedText, i int, ph *phrase) (end int, ok bool) {
	want := ph.runes
	if i+len(want) > len(n.runes) || !slices.Equal(n.runes[i:i+len(want)], want) {
		return 0, false
	}
	if i > 0 && isWordRune(n.runes[i-1]) && letterOrDigit(want[0]) && !elided(n.runes, i) {
		return 0, false
	}
	end = i + len(want)
	if !ph.prefix && end < len(n.runes) && isWordRune(n.runes[end]) && letterOrDigit(want[len(want)-1]) {
		return 0, false
	}
	for ph.prefix && end < len(n.runes) && isWordRune(n.runes[end]) {
		end++
	}
	return end, true
}

// textRange is the file range of code points [from, to) of a scalar's
// value, exact in every scalar style; it falls back to the whole value.
func textRange(f *source.File, s spec.String, from, to int) source.Range {
	if s.Node == nil || f == nil {
		return s.Where()
	}
	return f.MapScalar(s.Node).Range(from, to)
}
