// Package fuzz holds the native Go fuzz targets of the signature verifiers,
// one per scheme: FuzzVerifyBland, FuzzVerifyCallcow, FuzzVerifyCallurl,
// FuzzVerifyPhonely, FuzzVerifyRetell, FuzzVerifySynthflow, FuzzVerifyVapi
// (Vapi's HMAC credential, the default) and FuzzVerifyVapiBearer. Each
// signs a random body with a random secret and checks, for random
// secrets, bodies, clock skews and hand-edited headers, that Verify never
// panics, that every refusal wraps providers.ErrSignature, that what Sign
// produced verifies after crossing the wire, that a stale timestamp or a
// changed body is refused where the scheme covers it, and that nothing
// verifies under a secret other than the one signed with (secrets the
// scheme itself cannot tell apart excepted; see equivalent).
//
// The payload adapters' fuzz targets, FuzzDecode, live next to each
// adapter in providers/<name>. Run one target with
//
//	go test ./providers/fuzz -run '^$' -fuzz '^FuzzVerifyRetell$' -fuzztime 10m
//
// Crashers go to testdata/fuzz/<Target>/, where plain `go test` replays
// them. See docs/SECURITY.md.
package fuzz
