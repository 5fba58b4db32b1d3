// Package readfile opens the files callspec reads from trees it does not
// control: spec directories, and output directories, which in CI come from
// an untrusted pull request. Open never blocks (a plain open of a named
// pipe waits until something writes to it, which hangs lint forever) and
// refuses everything but regular files, so no device, pipe or socket is
// ever read.
package readfile

import (
	"errors"
	"io/fs"
	"os"
)

// NotRegularError is the error of Open for a file that is not a regular
// file.
type NotRegularError struct {
	Kind string // what it is, from Kind
}

func (e *NotRegularError) Error() string {
	return "it is " + e.Kind + ", not a regular file"
}

// Open opens name for reading and returns it with its information. With a
// root, name is relative to it (slash-separated) and no symbolic link may
// lead out of it; without, name is a path as given. Anything but a regular
// file is closed again and refused with a *NotRegularError.
func Open(root *os.Root, name string) (*os.File, fs.FileInfo, error) {
	var f *os.File
	var err error
	if root != nil {
		f, err = root.OpenFile(name, openFlags, 0)
	} else {
		f, err = os.OpenFile(name, openFlags, 0)
	}
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, &NotRegularError{Kind: Kind(info.Mode())}
	}
	return f, info, nil
}

// Kind names what a file of mode m is, for messages ("a named pipe").
func Kind(m fs.FileMode) string {
	switch t := m.Type(); {
	case t == 0:
		return "a regular file"
	case t&fs.ModeDir != 0:
		return "a directory"
	case t&fs.ModeSymlink != 0:
		return "a symbolic link"
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t&fs.ModeCharDevice != 0:
		return "a character device"
	case t&fs.ModeDevice != 0:
		return "a device"
	default:
		return "a special file"
	}
}

// Cause drops the operation and name from an error of the os package
// (*fs.PathError, *os.LinkError), for messages that name the file
// themselves, as the user knows it: "read generated/x.json: permission
// denied".
func Cause(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}
