//go:build unix

package readfile

import (
	"os"
	"syscall"
)

// openFlags opens without waiting: O_NONBLOCK makes the open of a named
// pipe return at once (Open then refuses it) and changes nothing for a
// regular file.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
