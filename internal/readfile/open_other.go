//go:build !unix

package readfile

import "os"

// openFlags: outside Unix no file in a directory tree blocks an open
// (Windows' named pipes live in their own namespace).
const openFlags = os.O_RDONLY
