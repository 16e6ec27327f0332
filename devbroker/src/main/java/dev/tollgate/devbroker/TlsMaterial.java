package dev.tollgate.devbroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Test TLS material made on the spot with the JDK's {@code keytool} (no downloads, nothing committed): a private
 * CA, a truststore holding the CA's certificate, and a server keystore whose EC key is signed by the CA for {@code
 * localhost} and {@code 127.0.0.1}. All stores are PKCS12 with one password. Valid for two days.
 *
 * <pre>{@code
 * TlsMaterial tls = TlsMaterial.generate(dir.resolve("tls"), "changeit-" + UUID.randomUUID());
 * // tls.keystore() for a server, tls.truststore() for its clients
 * }</pre>
 *
 * <p>{@code deploy/kafka/start.sh --sasl-ssl} makes the same files with the same keytool commands.
 */
public final class TlsMaterial {
    private final Path dir;
    private final String password;

    private TlsMaterial(Path dir, String password) {
        this.dir = dir;
        this.password = password;
    }

    /**
     * Generates a CA, a truststore and a CA-signed server keystore in {@code dir} (created when missing).
     *
     * @param dir      where {@code ca.p12}, {@code ca.pem}, {@code truststore.p12} and {@code server.p12} go
     * @param password password of every store and key (at least 6 characters)
     * @throws IllegalStateException when keytool fails (with its output)
     */
    public static TlsMaterial generate(Path dir, String password) {
        Objects.requireNonNull(password, "password");
        if (password.length() < 6) {
            throw new IllegalArgumentException("keytool needs passwords of at least 6 characters");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String ca = dir.resolve("ca.p12").toString();
        String caPem = dir.resolve("ca.pem").toString();
        String server = dir.resolve("server.p12").toString();
        String csr = dir.resolve("server.csr").toString();
        String serverPem = dir.resolve("server.pem").toString();
        String trust = dir.resolve("truststore.p12").toString();
        keytool(
                dir,
                password,
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=Tollgate Test CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                ca,
                "-storetype",
                "PKCS12");
        keytool(dir, password, "-exportcert", "-alias", "ca", "-keystore", ca, "-rfc", "-file", caPem);
        keytool(
                dir,
                password,
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                caPem,
                "-keystore",
                trust,
                "-storetype",
                "PKCS12");
        keytool(
                dir,
                password,
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-validity",
                "2",
                "-keystore",
                server,
                "-storetype",
                "PKCS12");
        keytool(dir, password, "-certreq", "-alias", "server", "-keystore", server, "-file", csr);
        keytool(
                dir,
                password,
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                ca,
                "-infile",
                csr,
                "-outfile",
                serverPem,
                "-rfc",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2");
        keytool(dir, password, "-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-keystore", server);
        keytool(dir, password, "-importcert", "-alias", "server", "-file", serverPem, "-keystore", server);
        return new TlsMaterial(dir, password);
    }

    /**
     * A self-signed PKCS12 keystore (EC key, {@code CN=localhost}, SAN localhost and 127.0.0.1) at {@code file}.
     *
     * @throws IllegalStateException when keytool fails
     */
    public static Path selfSigned(Path file, String password) {
        keytool(
                file.toAbsolutePath().getParent(),
                password,
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                file.toString(),
                "-storetype",
                "PKCS12");
        return file;
    }

    /** The directory of the files. */
    public Path dir() {
        return dir;
    }

    /** The server keystore (key + certificate chain signed by the CA), PKCS12. */
    public Path keystore() {
        return dir.resolve("server.p12");
    }

    /** The truststore with the CA's certificate, PKCS12. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** The CA's certificate, PEM. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** The password of every store and key. */
    public String password() {
        return password;
    }

    @Override
    public String toString() {
        return "TlsMaterial[" + dir + "]";
    }

    private static void keytool(Path dir, String password, String... args) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new ArrayList<>();
        cmd.add(keytool.toString());
        cmd.addAll(List.of(args));
        // passwords through the environment, never on a command line (ps would show them)
        cmd.addAll(List.of("-storepass:env", "TOLLGATE_KEYTOOL_PASS"));
        if (args[0].equals("-genkeypair")) {
            cmd.addAll(List.of("-keypass:env", "TOLLGATE_KEYTOOL_PASS"));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().put("TOLLGATE_KEYTOOL_PASS", password);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(
                        "keytool " + args[0] + " failed: " + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + keytool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
