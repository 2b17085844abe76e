// SPDX-License-Identifier: BSD-2-Clause
//
// The corpus's Go crawler (scraper, "wide" profile): Go's own net/http
// client, HTTP/2 over TLS (certificate not verified: the server's is
// self-signed), WORKERS goroutines sharing one client and so one or a few
// multiplexed connections. It starts at START, follows every same-site
// link under PREFIX it has not seen, and keeps to at most RATE requests a
// second overall; it stops after SECONDS or when the site is exhausted.
// Built by record.sh at record time with the standard library only.
//
// Usage: crawl START PREFIX RATE WORKERS SECONDS
package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

var hrefRE = regexp.MustCompile(`href="([^"#]+)"`)

func main() {
	if len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: crawl START PREFIX RATE WORKERS SECONDS")
		os.Exit(2)
	}
	start, err := url.Parse(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	prefix := os.Args[2]
	rate, _ := strconv.ParseFloat(os.Args[3], 64)
	workers, _ := strconv.Atoi(os.Args[4])
	secs, _ := strconv.Atoi(os.Args[5])
	if rate <= 0 || workers <= 0 || secs <= 0 {
		fmt.Fprintln(os.Stderr, "crawl: RATE, WORKERS, SECONDS must be > 0")
		os.Exit(2)
	}
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true},
		ForceAttemptHTTP2: true,
		MaxIdleConns:      16,
		IdleConnTimeout:   90 * time.Second,
	}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var mu sync.Mutex
	seen := map[string]bool{start.String(): true}
	queue := []string{start.String()}
	inflight := 0
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	deadline := time.Now().Add(time.Duration(secs) * time.Second)
	var n, proto2 int

	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				<-tick.C
				mu.Lock()
				if len(queue) == 0 {
					done := inflight == 0
					mu.Unlock()
					if done {
						return
					}
					continue
				}
				u := queue[0]
				queue = queue[1:]
				inflight++
				mu.Unlock()
				links, major := fetch(client, u)
				mu.Lock()
				inflight--
				n++
				if major == 2 {
					proto2++
				}
				for _, l := range links {
					ref, err := url.Parse(l)
					if err != nil {
						continue
					}
					abs := start.ResolveReference(ref)
					if abs.Host != start.Host || !strings.HasPrefix(abs.Path, prefix) {
						continue
					}
					abs.Fragment = ""
					s := abs.String()
					if !seen[s] {
						seen[s] = true
						queue = append(queue, s)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Printf("crawl: %d requests, %d over HTTP/2\n", n, proto2)
}

// fetch gets one URL and returns the links of an HTML page and the
// response's HTTP major version.
func fetch(c *http.Client, u string) ([]string, int) {
	resp, err := c.Get(u)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crawl:", err)
		return nil, 0
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var links []string
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		for _, m := range hrefRE.FindAllSubmatch(body, -1) {
			links = append(links, string(m[1]))
		}
	}
	return links, resp.ProtoMajor
}
