package rules

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/callspec/callspec/kernel/workflow"
)

// TestFindPhrase checks word boundaries, prefixes, case, apostrophes and
// white space across lines, with offsets in code points.
func TestFindPhrase(t *testing.T) {
	cases := []struct {
		text, phrase string
		from, to     int
		ok           bool
	}{
		{"You will get a REFUND.", "refund*", 15, 21, true},
		{"We've refunded it", "refund*", 6, 14, true},
		{"We'll call you back", "'ll", 2, 5, true},
		{"financial aid", "ai", 0, 0, false},
		{"I'm an AI assistant", "ai", 7, 9, true},
		{"it is\n  guaranteed", "is guaranteed", 3, 18, true},
		{"it is\n  guaranteed", "is guarantee*", 3, 18, true},
		{"We won’t be recording", "won't be recording", 3, 21, true},
		{"unapproved", "approved", 0, 0, false},
		{"avec l'assistant virtuel", "assistant virtuel", 7, 24, true},
		{"qu'assistant", "assistant", 3, 12, true},
		{"Dell'assistant", "assistant", 0, 0, false},
	}
	for _, c := range cases {
		m, ok := findPhrase(c.text, newPhraseSet([]string{c.phrase}))
		if ok != c.ok || (ok && (m.From != c.from || m.To != c.to)) {
			t.Errorf("findPhrase(%q, %q) = %+v, %v; want [%d,%d) %v", c.text, c.phrase, m, ok, c.from, c.to, c.ok)
		}
	}
}

// TestPhrasesPerLanguage checks each language's lists against real
// sentences: disclosures that say both things, that say one or deny
// recording, and caller messages that tell the next step or promise an
// outcome.
func TestPhrasesPerLanguage(t *testing.T) {
	type sample struct {
		text string
		want bool
	}
	cases := map[string]struct {
		automation, recording, noRecording, commitment, nextStep []sample
	}{
		"en": {
			automation:  []sample{{"Hi, you've reached the automated assistant for Acme.", true}, {"Hi, thanks for calling Acme!", false}},
			recording:   []sample{{"This call may be recorded.", true}, {"Thanks for calling.", false}},
			noRecording: []sample{{"This call is not recorded.", true}, {"This call may be recorded.", false}},
			commitment:  []sample{{"We will fix it tomorrow and refund the fee.", true}, {"Someone from the team will call you back.", false}},
			nextStep:    []sample{{"Someone from the team will call you back today.", true}, {"Thank you for your call.", false}},
		},
		"es": {
			automation: []sample{{"Hola, ha llamado al asistente automático de Inmobiliaria Sol.", true},
				{"Hola, habla con un asistente virtual.", true}, {"Soy un asistente automatico.", true}, {"Hola, gracias por llamar a Inmobiliaria Sol.", false}},
			recording:   []sample{{"Esta llamada puede ser grabada.", true}, {"Grabamos las llamadas para mejorar el servicio.", true}, {"Gracias por llamar.", false}},
			noRecording: []sample{{"Esta llamada no será grabada.", true}, {"Esta llamada puede ser grabada.", false}},
			commitment: []sample{{"Lo arreglaremos mañana y le haremos un reembolso.", true}, {"Su solicitud está aprobada.", true},
				{"La reparación es gratis.", true}, {"Una persona del equipo le llamará hoy.", false}},
			nextStep: []sample{{"Una persona del equipo le llamará hoy.", true}, {"Le paso con una persona ahora, no cuelgue.", true},
				{"Una persona del equipo se pondrá en contacto con usted.", true}, {"Gracias por su llamada.", false}},
		},
		"fr": {
			automation:  []sample{{"Bonjour, vous êtes en ligne avec l'assistant virtuel de Habitat Plus.", true}, {"Vous parlez à un assistant automatisé.", true}, {"Bonjour et merci d'appeler Habitat Plus.", false}},
			recording:   []sample{{"Cet appel peut être enregistré.", true}, {"Merci de votre appel.", false}},
			noRecording: []sample{{"Cet appel n'est pas enregistré.", true}, {"Cet appel peut être enregistré.", false}},
			commitment:  []sample{{"Nous allons réparer la fuite et vous serez remboursé.", true}, {"C'est garanti.", true}, {"Un technicien vous rappellera aujourd'hui.", false}},
			nextStep:    []sample{{"Un technicien vous rappellera aujourd'hui.", true}, {"Ne quittez pas, je vous mets en relation.", true}, {"Merci de votre appel.", false}},
		},
		"de": {
			automation:  []sample{{"Guten Tag, Sie sprechen mit dem automatisierten Assistenten der Hausverwaltung Berg.", true}, {"Hier spricht ein KI-Assistent.", true}, {"Guten Tag, danke für Ihren Anruf.", false}},
			recording:   []sample{{"Dieses Gespräch kann aufgezeichnet werden.", true}, {"Danke für Ihren Anruf.", false}},
			noRecording: []sample{{"Dieses Gespräch wird nicht aufgezeichnet.", true}, {"Dieses Gespräch kann aufgezeichnet werden.", false}},
			commitment:  []sample{{"Wir reparieren das morgen, und die Kosten werden erstattet.", true}, {"Das ist kostenlos.", true}, {"Jemand aus dem Team ruft Sie heute zurück.", false}},
			nextStep:    []sample{{"Jemand aus dem Team ruft Sie heute zurück.", true}, {"Eine Person aus dem Team wird sich bei Ihnen melden.", true}, {"Danke für Ihren Anruf.", false}},
		},
		"pt": {
			automation:  []sample{{"Olá, está a falar com o assistente virtual da Casa Boa.", true}, {"Este é um atendimento automático.", true}, {"Olá, obrigado por ligar para a Casa Boa.", false}},
			recording:   []sample{{"Esta chamada pode ser gravada.", true}, {"Obrigado pela sua chamada.", false}},
			noRecording: []sample{{"Esta chamada não será gravada.", true}, {"Esta chamada pode ser gravada.", false}},
			commitment:  []sample{{"Vamos consertar amanhã e o reembolso está garantido.", true}, {"O seu pedido foi aprovado.", true}, {"Uma pessoa da equipa vai ligar-lhe hoje.", false}},
			nextStep:    []sample{{"Uma pessoa da equipa vai ligar-lhe hoje.", true}, {"Aguarde, vou transferir a chamada.", true}, {"Obrigado pela sua chamada.", false}},
		},
	}
	for tag, c := range cases {
		ph := phrasesByLanguage[tag]
		if ph == nil {
			t.Fatalf("no phrases for %s", tag)
		}
		for _, list := range []struct {
			name    string
			set     phraseSet
			samples []sample
		}{
			{"automation", ph.automation, c.automation}, {"recording", ph.recording, c.recording},
			{"noRecording", ph.noRecording, c.noRecording}, {"commitment", ph.commitment, c.commitment},
			{"nextStep", ph.nextStep, c.nextStep},
		} {
			if len(list.samples) == 0 {
				t.Errorf("%s %s: no samples", tag, list.name)
			}
			for _, s := range list.samples {
				if m, got := findPhrase(s.text, list.set); got != s.want {
					t.Errorf("%s %s: %q matched=%v (%q), want %v", tag, list.name, s.text, got, m.Phrase, s.want)
				}
			}
		}
	}
}

// TestBuiltinMessagesPassTheirLanguage: the built-in incomplete_call
// message of each language tells the next step and promises nothing, and
// every language with run-time messages has phrase lists.
func TestBuiltinMessagesPassTheirLanguage(t *testing.T) {
	for _, l := range workflow.Languages() {
		ph, ok := phrasesByLanguage[l.Tag]
		if !ok {
			t.Errorf("%s has built-in messages but no phrase lists", l.Tag)
			continue
		}
		if m, bad := findPhrase(l.IncompleteMessage, ph.commitment); bad {
			t.Errorf("%s: the built-in message promises %q", l.Tag, m.Phrase)
		}
		if _, ok := findPhrase(l.IncompleteMessage, ph.nextStep); !ok {
			t.Errorf("%s: the built-in message %q does not tell the next step", l.Tag, l.IncompleteMessage)
		}
	}
	if len(phrasesByLanguage) != len(workflow.Languages()) {
		t.Errorf("%d phrase languages, %d run-time languages", len(phrasesByLanguage), len(workflow.Languages()))
	}
}

// TestUnaccent: matching ignores accents, also in the phrases.
func TestUnaccent(t *testing.T) {
	set := newPhraseSet([]string{"automático", "grabación"})
	for _, text := range []string{"asistente AUTOMATICO", "asistente automático", "una grabacion"} {
		if _, ok := findPhrase(text, set); !ok {
			t.Errorf("%q does not match", text)
		}
	}
	if m, ok := findPhrase("Die Straße ist gesperrt, automático", set); !ok || m.From != 25 || m.To != 35 {
		t.Errorf("offsets after ß: %+v %v", m, ok)
	}
}

// findPhraseEach is findPhrase as first written, one scan of the text per
// phrase, keeping the earliest match: TestFindPhraseAgrees holds the
// one-scan version to it.
func findPhraseEach(text string, phrases phraseSet) (phraseMatch, bool) {
	n := normalize(text)
	best := phraseMatch{From: -1}
	for k := range phrases.list {
		ph := &phrases.list[k]
		for i := 0; i < len(n.runes); i++ {
			if best.From >= 0 && n.orig[i] >= best.From {
				break
			}
			if end, ok := matchAt(n, i, ph); ok {
				best = phraseMatch{From: n.orig[i], To: n.orig[end-1] + 1, Phrase: ph.text}
				break
			}
		}
	}
	return best, best.From >= 0
}

// TestFindPhraseAgrees compares findPhrase with findPhraseEach on texts
// made of the phrases of every language, cut, joined and re-cased at
// random.
func TestFindPhraseAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 3))
	var words []string
	var sets []phraseSet
	for _, ph := range phrasesByLanguage {
		for _, set := range []phraseSet{ph.automation, ph.recording, ph.noRecording, ph.commitment, ph.nextStep} {
			sets = append(sets, set)
			for _, p := range set.list {
				words = append(words, strings.Fields(p.text)...)
			}
		}
	}
	matched := 0
	words = append(words, "l'", "Qu'", "x", "-", "’", "  ", "\t", "É", "call", "back", "recorded.")
	for range 5000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			w := words[rng.IntN(len(words))]
			switch rng.IntN(4) {
			case 0:
				w = strings.ToUpper(w)
			case 1:
				w = w[:rng.IntN(len(w)+1)]
			}
			b.WriteString(w)
			if rng.IntN(3) > 0 {
				b.WriteString(" ")
			}
		}
		text := b.String()
		for _, set := range sets {
			want, wantOK := findPhraseEach(text, set)
			got, gotOK := findPhrase(text, set)
			if got != want || gotOK != wantOK {
				t.Fatalf("%q: findPhrase = %+v %v, one scan per phrase = %+v %v", text, got, gotOK, want, wantOK)
			}
			if gotOK {
				matched++
			}
		}
	}
	if matched < 1000 {
		t.Errorf("only %d texts matched a phrase: the test says little", matched)
	}
}
