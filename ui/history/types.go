package history

import (
	"github.com/fapiaoscanner/fapiao/core/payload"
	"github.com/fapiaoscanner/fapiao/ui/internal/env"
)

// typeChoice is one entry of the type filter: a group of type codes named
// by a translation key, or one type named as it is printed.
type typeChoice struct {
	key   string // "" for one type
	codes []string
}

func (c typeChoice) name(tr *env.Translator) string {
	if c.key != "" {
		return tr.T(c.key)
	}
	zh, en, _ := payload.TypeName(c.codes[0])
	if tr.Lang() == "zh" {
		return zh
	}
	return env.Sentence(en)
}

// typeChoices are the groups clerks ask for (every special invoice, paper,
// electronic or 数电; every 数电 invoice), then each type, the common first.
var typeChoices = []typeChoice{
	{"history.types.special", []string{"01", "02", "20", "31"}},
	{"history.types.ordinary", []string{"04", "10", "11", "14", "32"}},
	{"history.types.digital", []string{"31", "32", "33", "34", "51", "61"}},
	{"", []string{"31"}}, {"", []string{"32"}}, {"", []string{"01"}}, {"", []string{"04"}},
	{"", []string{"20"}}, {"", []string{"10"}}, {"", []string{"11"}}, {"", []string{"14"}},
	{"", []string{"02"}}, {"", []string{"03"}}, {"", []string{"15"}}, {"", []string{"33"}},
	{"", []string{"34"}}, {"", []string{"51"}}, {"", []string{"61"}},
}
