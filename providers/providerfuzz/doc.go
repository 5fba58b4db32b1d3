// Package providerfuzz holds the native Go fuzz targets of the signature verifiers
// and of the payload adapters. The verifiers have one target per scheme:
// FuzzVerifyBland, FuzzVerifyCallcow, FuzzVerifyCallurl, FuzzVerifyPhonely,
// FuzzVerifyRetell, FuzzVerifySynthflow, FuzzVerifyVapi (Vapi's HMAC
// credential, the default) and FuzzVerifyVapiBearer. Each
// signs a random body with a random secret and checks, for random
// secrets, bodies, clock skews and hand-edited headers, that Verify never
// panics, that every refusal wraps providers.ErrSignature, that what Sign
// produced verifies after crossing the wire, that a stale timestamp or a
// changed body is refused where the scheme covers it, and that nothing
// verifies under a secret other than the one signed with (secrets the
// scheme itself cannot tell apart excepted; see equivalent).
//
// The payload adapters' targets, one per platform (FuzzDecodeBland, …,
// FuzzDecodeVapi), feed any body to the adapter's Decode for every
// workflow: it must give either a *providers.DecodeError whose reason
// quotes nothing from the body or a well-formed call that decides; and a
// decoded call, encoded in the platform's format and decoded again, must
// be the same call (notes aside). They are seeded with every workflow's
// scenarios in the platform's format, the platform's recorded deliveries
// (providers/<name>/testdata) and the bad payloads it must refuse
// (testdata/bad-input/payloads/<name>). Run one target with
//
//	go test ./providers/providerfuzz -run '^$' -fuzz '^FuzzVerifyRetell$' -fuzztime 10m
//
// Crashers go to testdata/fuzz/<Target>/, where plain `go test` replays
// them. See docs/SECURITY.md.
package providerfuzz
