// Command pgonly opens a PostgreSQL store and nothing else: TestDeps
// checks that it links no other store driver.
package main

import (
	"log"
	"os"

	"github.com/callspec/callspec/runtime/store/pgstore"
)

func main() {
	st, err := pgstore.Open(os.Getenv("CALLSPEC_STORE"))
	if err != nil {
		log.Fatal(err)
	}
	st.Close()
}
