package workflow_test

import (
	"strings"
	"testing"

	"github.com/callspec/callspec/kernel/workflow"
)

// TestPlaceholders checks real values per language: what models write for
// "no answer" is a placeholder, and real answers (also ones that contain
// a placeholder word) are not.
func TestPlaceholders(t *testing.T) {
	cases := []struct {
		lang        string
		placeholder []string
		answer      []string
	}{
		{"en", []string{"N/A", "n/a", "Unknown", "unknown.", "None", "NOT PROVIDED", "-", "—", "null", `"N/A"`, "[unknown]", "(none)", "Not specified", "I don't know"},
			[]string{"no", "yes", "Unknown caller ID on the intercom", "none of the radiators work", "Nancy", "North Annex", "0", "kitchen sink"}},
		{"es", []string{"desconocido", "Ninguna", "No proporcionado", "no sé", "N/A", "sin respuesta", "No especificado"},
			[]string{"no", "ninguna alergia conocida excepto el polen", "Calle Desconocida 5", "la cocina", "nadar"}},
		{"fr", []string{"inconnu", "Aucune", "non renseigné", "néant", "Je ne sais pas", "N/A", "sans objet"},
			[]string{"non", "aucune idée de l'étage, peut-être le troisième", "la cuisine", "Inconnue rue 3"}},
		{"de", []string{"unbekannt", "Keine Angabe", "k. A.", "nicht angegeben", "weiß nicht", "N/A", "keine"},
			[]string{"nein", "keine Heizung im Bad", "Küche", "Unbekannter Anrufer am Tor"}},
		{"pt", []string{"desconhecido", "Nenhuma", "não informado", "não sei", "N/A", "sem resposta"},
			[]string{"não", "nenhuma alergia além de pólen", "a cozinha", "Rua Desconhecida 5"}},
	}
	for _, tc := range cases {
		for _, s := range tc.placeholder {
			if !workflow.IsPlaceholder(tc.lang, s) {
				t.Errorf("%s: %q is not a placeholder", tc.lang, s)
			}
		}
		for _, s := range tc.answer {
			if workflow.IsPlaceholder(tc.lang, s) {
				t.Errorf("%s: the answer %q is taken for a placeholder", tc.lang, s)
			}
		}
	}
	// A language's own words are not placeholders in another language.
	if workflow.IsPlaceholder("en", "desconocido") || workflow.IsPlaceholder("es", "unknown") {
		t.Error("placeholders leak across languages")
	}
	// An unsupported language keeps the universal placeholders only.
	if !workflow.IsPlaceholder("it", "N/A") || workflow.IsPlaceholder("it", "unknown") {
		t.Error("unsupported language: want the universal list only")
	}
}

// TestLanguagesAreComplete: every supported language has every built-in
// message and placeholders of its own.
func TestLanguagesAreComplete(t *testing.T) {
	want := []string{"en", "es", "fr", "de", "pt"}
	got := workflow.Languages()
	if len(got) != len(want) {
		t.Fatalf("%d languages, want %v", len(got), want)
	}
	for i, l := range got {
		if l.Tag != want[i] || l.Name == "" || l.IncompleteMessage == "" || l.CallFailedMessage == "" || l.NoAnswerMessage == "" || len(l.Placeholders) == 0 {
			t.Errorf("language %d: %+v", i, l)
		}
		if found, ok := workflow.LookupLanguage(l.Tag); !ok || found != l {
			t.Errorf("LookupLanguage(%q) = %v, %v", l.Tag, found, ok)
		}
	}
	if l, ok := workflow.LookupLanguage(""); !ok || l.Tag != "en" {
		t.Errorf(`LookupLanguage("") = %v, %v; want English`, l, ok)
	}
}

// TestPlaceholderInPadding: the length shortcut still sees a placeholder
// padded with quotes, brackets and spaces.
func TestPlaceholderInPadding(t *testing.T) {
	if !workflow.IsPlaceholder("es", `  [ "no lo sé" ]  `) || !workflow.IsPlaceholder("de", "   «ich weiss nicht»   ") {
		t.Error("a padded placeholder was not seen")
	}
	if workflow.IsPlaceholder("en", "unknown "+strings.Repeat("x", 200)) {
		t.Error("a long answer is a placeholder")
	}
}
