// Package phone reads phone numbers written in national format, for specs
// that set phone_region, with libphonenumber's rules
// (github.com/nyaruka/phonenumbers). It is a package of its own because
// the library parses all of its metadata when the program starts (about
// 25 ms and 2.5 MB on the reference machine): a generated handler imports
// it, for its side effect, only when its spec sets phone_region, and a
// handler without it refuses such a definition at start-up instead of
// guessing.
package phone

import (
	"github.com/nyaruka/phonenumbers"

	"github.com/callspec/callspec/kernel/workflow"
)

func init() { workflow.RegisterNationalNumbers(ToE164) }

// ToE164 reads s as a number in the national format of region (an ISO
// 3166-1 code, as phone_region gives it) and returns it in E.164. It
// accepts a number whose length is possible for the region, without
// requiring the number range to be assigned, so a new range is not lost;
// it must be whole, area code included. Anything else is refused.
func ToE164(s, region string) (string, bool) {
	n, err := phonenumbers.Parse(s, region)
	// IS_POSSIBLE, not IS_POSSIBLE_LOCAL_ONLY: a number without its area
	// code ("555 0101") cannot be dialled back.
	if err != nil || phonenumbers.IsPossibleNumberWithReason(n) != phonenumbers.IS_POSSIBLE {
		return "", false
	}
	p := phonenumbers.Format(n, phonenumbers.E164)
	return p, workflow.IsE164(p)
}

// Supported reports whether libphonenumber has numbering rules for
// region (upper case).
func Supported(region string) bool {
	_, ok := phonenumbers.GetSupportedRegions()[region]
	return ok
}
