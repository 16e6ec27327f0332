package dev.tollgate.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts of the HTTP API from a keystore file (PKCS12 or JKS). */
public final class TlsContexts {
    private TlsContexts() {}

    /**
     * A server context presenting the keystore's key and certificate chain.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no usable key
     */
    public static SSLContext server(Path keystore, char[] password, String type) {
        KeyStore ks = load(keystore, password, type);
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "HTTP TLS keystore " + keystore + " has no usable key: " + e.getMessage(), e);
        }
    }

    /**
     * A client context trusting the certificates of the keystore (its own certificate and chain), so instances
     * sharing one keystore (or one CA in its chain) can call each other; hostnames are still verified.
     */
    public static SSLContext trustingCertificatesOf(Path keystore, char[] password, String type) {
        KeyStore ks = load(keystore, password, type);
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (String alias : Collections.list(ks.aliases())) {
                Certificate[] chain = ks.getCertificateChain(alias);
                if (chain != null) {
                    for (Certificate c : chain) {
                        trust.setCertificateEntry("c" + i++, c);
                    }
                } else if (ks.getCertificate(alias) != null) {
                    trust.setCertificateEntry("c" + i++, ks.getCertificate(alias));
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(
                    "cannot build a trust store from HTTP TLS keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path keystore, char[] password, String type) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password);
            return ks;
        } catch (IOException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                throw new IllegalArgumentException("HTTP TLS keystore " + keystore + ": wrong password", e);
            }
            throw new UncheckedIOException("cannot read HTTP TLS keystore " + keystore + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot read HTTP TLS keystore " + keystore + " (" + type + "): " + e.getMessage(), e);
        }
    }
}
