// SPDX-License-Identifier: BSD-2-Clause
//
// The corpus's Java crawler (scraper, "wide" profile): java.net.http.
// HttpClient (HTTP/2 over TLS where offered; certificate and host name not
// checked, the server's certificate is self-signed), one request at a
// time, GAP_MIN..GAP_MAX ms apart, breadth-first over every same-site link
// under PREFIX. Run as a single-file program:
//   java -Djdk.internal.httpclient.disableHostnameVerification=true \
//        Crawl.java START PREFIX GAP_MIN_MS GAP_MAX_MS SEED

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

public class Crawl {
    public static void main(String[] args) throws Exception {
        URI start = URI.create(args[0]);
        String prefix = args[1];
        int gapMin = Integer.parseInt(args[2]), gapMax = Integer.parseInt(args[3]);
        Random rng = new Random(Long.parseLong(args[4]));
        TrustManager[] trustAll = { new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {}
            public void checkServerTrusted(X509Certificate[] c, String a) {}
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        } };
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trustAll, null);
        HttpClient client = HttpClient.newBuilder().sslContext(ssl)
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(10)).build();
        Pattern href = Pattern.compile("href=\"([^\"#]+)\"");
        ArrayDeque<URI> queue = new ArrayDeque<>();
        HashSet<String> seen = new HashSet<>();
        queue.add(start);
        seen.add(start.toString());
        int n = 0, h2 = 0;
        while (!queue.isEmpty()) {
            URI u = queue.poll();
            try {
                HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
                n++;
                if (r.version() == HttpClient.Version.HTTP_2) h2++;
                Matcher m = href.matcher(r.body());
                while (m.find()) {
                    URI l = u.resolve(m.group(1));
                    if (start.getHost().equals(l.getHost()) && l.getPath() != null
                            && l.getPath().startsWith(prefix) && seen.add(l.toString()))
                        queue.add(l);
                }
            } catch (Exception e) {
                System.err.println("Crawl: " + u + ": " + e);
            }
            Thread.sleep(gapMin + rng.nextInt(gapMax - gapMin + 1));
            if (n % 100 == 0) System.out.println("Crawl: " + n + " requests, " + h2 + " over HTTP/2");
        }
    }
}
