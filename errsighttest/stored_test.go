package errsighttest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var received = time.Date(2025, 6, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))

func storedOf(t *testing.T, raw string) StoredEvent {
	t.Helper()
	_, err := parsePayload([]byte(raw))
	require.NoError(t, err, "test event is not valid: %s", raw)
	return decodeEvent(json.RawMessage(raw), received).Stored()
}

// object returns a JSON object with n members "<prefix>NN": "vNN".
func object(prefix string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"%s%02d":"v%02d"`, prefix, i, i)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestStored(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) }
	cut := func(n int) string { return strings.Repeat("é", n-3) + "..." }
	tests := []struct {
		name  string
		event string
		check func(t *testing.T, st StoredEvent)
	}{
		{"level kept", `{"message":"m","level":"warning"}`, wantField("Level", "warning")},
		{"level lower-cased", `{"message":"m","level":"ERROR"}`, wantField("Level", "error")},
		{"unknown level", `{"message":"m","level":"warn"}`, wantField("Level", "info")},
		{"missing level", `{"message":"m"}`, wantField("Level", "info")},
		{"numeric level", `{"message":"m","level":3}`, wantField("Level", "info")},

		{"ANSI stripped", `{"message":"\u001b[31mred\u001b[0m text\u001b[1;4m!"}`, wantField("Message", "red text!")},
		{"bare SGR stripped", `{"message":"a[31mb[mc[0;1md"}`, wantField("Message", "abcd")},
		{"other brackets kept", `{"message":"a[1] [x] [12;m"}`, wantField("Message", "a[1] [x] ")},
		{"message at limit", `{"message":"` + long(10000) + `"}`, wantField("Message", long(10000))},
		{"message over limit", `{"message":"` + long(10001) + `"}`, wantField("Message", cut(10000))},
		{"ANSI stripped before cutting", `{"message":"\u001b[31m` + long(10000) + `"}`, wantField("Message", long(10000))},
		{"number message", `{"message":404}`, wantField("Message", "404")},
		{"blank message rejected", `{"message":" \n"}`, wantField("Rejection", "message is blank")},
		{"missing message rejected", `{}`, wantField("Rejection", "message is blank")},
		{"message kept", `{"message":"m"}`, wantField("Rejection", "")},

		{"environment kept", `{"message":"m","environment":" staging "}`, wantField("Environment", " staging ")},
		{"blank environment", `{"message":"m","environment":"  "}`, wantField("Environment", "production")},
		{"missing environment", `{"message":"m"}`, wantField("Environment", "production")},

		{"release trimmed", `{"message":"m","release":" v1 \n"}`, wantField("Release", "v1")},
		{"long release", `{"message":"m","release":"` + long(121) + `"}`, wantField("Release", cut(120))},
		{"blank release", `{"message":"m","release":"  "}`, wantField("Release", "")},

		{"backtrace array joined", `{"message":"m","backtrace":["a.go:1","\u001b[2mb.go:2"]}`, wantField("Backtrace", "a.go:1\nb.go:2")},
		{"backtrace string", `{"message":"m","backtrace":"a\nb"}`, wantField("Backtrace", "a\nb")},

		{"metadata first 50 keys", `{"message":"m","metadata":` + object("k", 60) + `}`, func(t *testing.T, st StoredEvent) {
			require.Len(t, st.MetadataKeys, 50, "MetadataKeys = %v", st.MetadataKeys)
			require.Equal(t, "k00", st.MetadataKeys[0], "MetadataKeys = %v", st.MetadataKeys)
			require.Equal(t, "k49", st.MetadataKeys[49], "MetadataKeys = %v", st.MetadataKeys)
			assert.Len(t, st.Metadata, 50, "MetadataKeys = %v", st.MetadataKeys)
			_, ok := st.Metadata["k50"]
			assert.False(t, ok, "key 51 kept")
		}},
		{"metadata not an object", `{"message":"m","metadata":[1]}`, func(t *testing.T, st StoredEvent) {
			require.Len(t, st.Metadata, 0, "Metadata = %#v, want empty", st.Metadata)
			assert.NotNil(t, st.Metadata, "Metadata = %#v, want empty", st.Metadata)
		}},

		{"tags first 30", `{"message":"m","tags":` + object("t", 35) + `}`, func(t *testing.T, st StoredEvent) {
			require.Len(t, st.Tags, 30, "TagKeys = %v", st.TagKeys)
			require.Len(t, st.TagKeys, 30, "TagKeys = %v", st.TagKeys)
			assert.Equal(t, "t29", st.TagKeys[29], "TagKeys = %v", st.TagKeys)
		}},
		{"tag limits", `{"message":"m","tags":{"` + long(61) + `":"` + long(201) + `","n":5,"b":false,"z":null}}`, func(t *testing.T, st StoredEvent) {
			want := map[string]string{cut(60): cut(200), "n": "5", "b": "false", "z": ""}
			assert.True(t, reflect.DeepEqual(st.Tags, want), "Tags = %v", st.Tags)
		}},

		{"user", `{"message":"m","user":{"id":7,"email":" ` + long(201) + ` ","username":"  ","ip_address":"` + long(65) + `","extra":"x"}}`,
			func(t *testing.T, st StoredEvent) {
				want := User{ID: "7", Email: cut(200), IPAddress: cut(64)}
				require.Equal(t, want, st.User, "User = %+v, identifier %q", st.User, st.UserIdentifier)
				assert.Equal(t, "7", st.UserIdentifier, "User = %+v, identifier %q", st.User, st.UserIdentifier)
			}},
		{"user identifier falls back", `{"message":"m","user":{"id":" ","username":"ann"}}`, wantField("UserIdentifier", "ann")},

		{"breadcrumbs", `{"message":"m","breadcrumbs":[1,{"category":" ` + long(61) + ` ","level":"FATAL","message":"` + long(501) + `","timestamp":" ","data":` + object("d", 25) + `},{}]}`,
			func(t *testing.T, st StoredEvent) {
				require.Len(t, st.Breadcrumbs, 2, "Breadcrumbs = %+v", st.Breadcrumbs)
				b := st.Breadcrumbs[0]
				require.Equal(t, cut(60), b.Category, "breadcrumb = %+v", b)
				require.Equal(t, "fatal", b.Level, "breadcrumb = %+v", b)
				require.Equal(t, cut(500), b.Message, "breadcrumb = %+v", b)
				require.Equal(t, "", b.Timestamp, "breadcrumb = %+v", b)
				require.Len(t, b.DataKeys, 20, "breadcrumb = %+v", b)
				assert.Len(t, b.Data, 20, "breadcrumb = %+v", b)
				e := st.Breadcrumbs[1]
				require.EqualValues(t, "info", e.Level, "empty breadcrumb = %+v", e)
				require.Empty(t, e.Message, "empty breadcrumb = %+v", e)
				assert.NotNil(t, e.Data, "empty breadcrumb = %+v", e)
			}},
		{"first 50 breadcrumbs", `{"message":"m","breadcrumbs":[` + strings.Repeat(`{"message":"b"},`, 55) + `{}]}`, func(t *testing.T, st StoredEvent) {
			assert.Len(t, st.Breadcrumbs, 50, "%d breadcrumbs kept", len(st.Breadcrumbs))
		}},
		{"non-objects count towards the 50", `{"message":"m","breadcrumbs":[` + strings.Repeat(`1,`, 50) + `{}]}`, func(t *testing.T, st StoredEvent) {
			assert.Len(t, st.Breadcrumbs, 0, "%d breadcrumbs kept", len(st.Breadcrumbs))
		}},

		{"occurred_at", `{"message":"m","occurred_at":"2025-06-01T09:30:00.5+01:00"}`, wantTime(time.Date(2025, 6, 1, 8, 30, 0, 5e8, time.UTC))},
		{"timestamp wins", `{"message":"m","timestamp":"2025-06-01T09:00:00Z","occurred_at":"2025-06-01T08:00:00Z"}`, wantTime(time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC))},
		{"null timestamp", `{"message":"m","timestamp":null,"occurred_at":"2025-06-01T08:00:00Z"}`, wantTime(time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC))},
		{"no zone is UTC", `{"message":"m","occurred_at":"2025-06-01T08:00:00"}`, wantTime(time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC))},
		{"missing time", `{"message":"m"}`, wantTime(received.UTC())},
		{"garbage time", `{"message":"m","occurred_at":"yesterday"}`, wantTime(received.UTC())},
		{"exactly 7 days old", `{"message":"m","occurred_at":"2025-05-25T10:00:00Z"}`, wantTime(time.Date(2025, 5, 25, 10, 0, 0, 0, time.UTC))},
		{"more than 7 days old", `{"message":"m","occurred_at":"2025-05-25T09:59:59Z"}`, wantTime(received.UTC())},
		{"an hour ahead", `{"message":"m","occurred_at":"2025-06-01T11:00:00Z"}`, wantTime(time.Date(2025, 6, 1, 11, 0, 0, 0, time.UTC))},
		{"more than an hour ahead", `{"message":"m","occurred_at":"2025-06-01T11:00:01Z"}`, wantTime(received.UTC())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, storedOf(t, tt.event))
		})
	}
}

func wantField(name string, want string) func(*testing.T, StoredEvent) {
	return func(t *testing.T, st StoredEvent) {
		t.Helper()
		if got := reflect.ValueOf(st).FieldByName(name).String(); got != want {
			if len(got) > 80 {
				got = got[:40] + "…" + got[len(got)-40:]
			}
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func wantTime(want time.Time) func(*testing.T, StoredEvent) {
	return func(t *testing.T, st StoredEvent) {
		t.Helper()
		require.True(t, st.OccurredAt.Equal(want))
		assert.Same(t, time.UTC, st.OccurredAt.Location())
	}
}

// sum is the server's key recipe, written out independently.
func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])[:32]
}

const inAppFrames = `"exception_frames":[
	{"filename":"vendor/x.go","function":"x.F","in_app":false},
	{"filename":"handler.go","function":"app.Handle","in_app":true},
	{"filename":"main.go","function":"main.main","in_app":true}]`

func TestGroupingKey(t *testing.T) {
	tests := []struct {
		name      string
		event     string
		want      string
		wantGroup string
	}{
		{"fingerprint array", `{"message":"m","fingerprint":[" db ","","  ","timeout"]}`, sum("db|timeout"), GroupedByFingerprint},
		{"fingerprint string", `{"message":"m","fingerprint":" db "}`, sum("db"), GroupedByFingerprint},
		{"fingerprint numbers", `{"message":"m","fingerprint":[1,null,true]}`, sum("1|true"), GroupedByFingerprint},
		{"fingerprint wins over frames", `{"message":"m","fingerprint":["a"],"metadata":{"exception_class":"E",` + inAppFrames + `}}`, sum("a"), GroupedByFingerprint},
		{"blank fingerprint ignored", `{"message":"m","fingerprint":[" "],"metadata":{"exception_class":"E",` + inAppFrames + `}}`, sum("v2|E|handler.go|app.Handle"), GroupedByFrames},
		{"first in-app frame", `{"message":"m","metadata":{"exception_class":"*errors.errorString",` + inAppFrames + `}}`, sum("v2|*errors.errorString|handler.go|app.Handle"), GroupedByFrames},
		{"no class", `{"message":"m","metadata":{` + inAppFrames + `}}`, sum("v2|Unknown|handler.go|app.Handle"), GroupedByFrames},
		{"truthy in_app", `{"message":"m","metadata":{"exception_class":"E","exception_frames":[1,{"filename":"a.go","in_app":"false"}]}}`, sum("v2|E|a.go|"), GroupedByFrames},
		{"no in-app frame", `{"message":"user 42 failed in 3ms","backtrace":"  a.go:10  \nb.go:20","metadata":{"exception_class":"E","exception_frames":[{"filename":"a.go","in_app":false}]}}`,
			sum("user N failed in Nms|a.go:10"), GroupedByLegacy},
		{"legacy without backtrace", `{"message":"v2 build 2025"}`, sum("vN build N|"), GroupedByLegacy},
		{"legacy backtrace array", `{"message":"m","backtrace":["x.go:1","y.go:2"]}`, sum("m|x.go:1"), GroupedByLegacy},
		{"frames beyond 50 metadata keys are lost", `{"message":"m 1","metadata":` + strings.TrimSuffix(object("k", 50), "}") + `,"exception_class":"E",` + inAppFrames + `}}`,
			sum("m N|"), GroupedByLegacy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := decodeEvent(json.RawMessage(tt.event), received)
			st := ev.Stored()
			require.Equal(t, tt.want, st.Fingerprint, "key %s by %s, want %s by %s", st.Fingerprint, st.Grouping, tt.want, tt.wantGroup)
			assert.Equal(t, tt.wantGroup, st.Grouping, "key %s by %s, want %s by %s", st.Fingerprint, st.Grouping, tt.want, tt.wantGroup)
			assert.Equal(t, st.Fingerprint, ev.GroupingKey(), "GroupingKey differs from Stored().Fingerprint")
		})
	}
}

func TestGroupingIsStableAcrossMessages(t *testing.T) {
	a := decodeEvent(json.RawMessage(`{"message":"user 42 not found","metadata":{"exception_class":"E",`+inAppFrames+`}}`), received)
	b := decodeEvent(json.RawMessage(`{"message":"user 99 not found","metadata":{"exception_class":"E",`+inAppFrames+`}}`), received)
	c := decodeEvent(json.RawMessage(`{"message":"user 42 not found","metadata":{"exception_class":"F",`+inAppFrames+`}}`), received)
	assert.Equal(t, b.GroupingKey(), a.GroupingKey(), "same class and frame, different message: different issues")
	assert.NotEqual(t, c.GroupingKey(), a.GroupingKey(), "different classes: same issue")
}
