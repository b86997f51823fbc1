package crashtest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/errsight/errsight-go/errsighttest"
)

func TestManual(t *testing.T) {
	for _, mode := range strings.Split(os.Getenv("MODES"), ",") {
		srv := errsighttest.NewServer()
		cmd := exec.Command("/tmp/crashy", mode)
		cmd.Env = append(os.Environ(), "ERRSIGHT_API_KEY="+srv.APIKey(), "ERRSIGHT_HOST="+srv.URL, "ERRSIGHT_DEBUG=1")
		cmd.Stdin = strings.NewReader("go\n")
		out, err := cmd.CombinedOutput()
		fmt.Printf("=== %s: %v\n%s\n", mode, err, out)
		evs, werr := srv.WaitForEvents(1, 6*time.Second)
		fmt.Println("wait:", werr)
		for _, e := range evs {
			fmt.Printf("EVENT %s\n", e.Raw)
		}
		srv.Close()
	}
}
