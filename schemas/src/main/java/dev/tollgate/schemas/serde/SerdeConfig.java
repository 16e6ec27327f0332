package dev.tollgate.schemas.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of the serde and the schema registry clients. The keys are the ones Confluent's serdes
 * use, so an existing client configuration works unchanged; three keys ({@code schema.registry.retries},
 * {@code schema.registry.retry.backoff.ms}, {@code schema.registry.request.timeout.ms}) are Tollgate's own.
 *
 * <p>{@link #parse(Map)} validates every value and throws a {@link ConfigException} naming the key of the
 * first bad one. Values may be given as strings (as in a properties file) or as typed objects. Unknown keys
 * are ignored, so the whole Kafka Streams configuration can be passed in.
 */
public final class SerdeConfig {

    /**
     * Registry base URL(s), comma-separated, tried in order. {@code http(s)://host:port[/path]} for a
     * Confluent-API registry (a path is kept, e.g. {@code /apis/ccompat/v7} for Apicurio), or
     * {@code mock://SCOPE} for the in-memory registry shared by everything configured with the same scope.
     */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    /** Register the record's schema under the subject when serializing. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Default of {@link #AUTO_REGISTER_SCHEMAS}. */
    public static final boolean AUTO_REGISTER_SCHEMAS_DEFAULT = true;

    /**
     * When not auto-registering: write with the latest schema of the subject instead of looking up the id of
     * the record's own schema.
     */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Default of {@link #USE_LATEST_VERSION}. */
    public static final boolean USE_LATEST_VERSION_DEFAULT = false;

    /** Where basic-auth credentials come from: {@code USER_INFO} or {@code URL}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** Default of {@link #BASIC_AUTH_CREDENTIALS_SOURCE}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_DEFAULT = "USER_INFO";

    /** Basic-auth credentials {@code user:password}, used when the source is {@code USER_INFO}. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

    /**
     * Deserialize into the generated class named by the writer schema (true), found through Avro's
     * {@code SpecificData}. Only {@code true} is supported unless the deserializer is given a class.
     */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** Default of {@link #SPECIFIC_AVRO_READER}. */
    public static final boolean SPECIFIC_AVRO_READER_DEFAULT = true;

    /** Retries of a registry request after a connection failure, timeout or 5xx answer. */
    public static final String SCHEMA_REGISTRY_RETRIES = "schema.registry.retries";
    /** Default of {@link #SCHEMA_REGISTRY_RETRIES}. */
    public static final int SCHEMA_REGISTRY_RETRIES_DEFAULT = 3;

    /** Backoff before the first retry; it doubles on each further retry, up to 10 s. */
    public static final String SCHEMA_REGISTRY_RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    /** Default of {@link #SCHEMA_REGISTRY_RETRY_BACKOFF_MS}. */
    public static final int SCHEMA_REGISTRY_RETRY_BACKOFF_MS_DEFAULT = 200;

    /** Connect and request timeout of one registry request. */
    public static final String SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    /** Default of {@link #SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS}. */
    public static final int SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_DEFAULT = 10_000;

    /** URL scheme prefix of the in-memory registry. */
    public static final String MOCK_URL_PREFIX = "mock://";

    /** Where basic-auth credentials come from. */
    public enum CredentialsSource {
        /** From {@link #BASIC_AUTH_USER_INFO}. */
        USER_INFO,
        /** From the user-info part of {@link #SCHEMA_REGISTRY_URL}. */
        URL
    }

    private static final int MAX_RETRIES = 100;

    private final List<String> registryUrls;
    private final boolean autoRegisterSchemas;
    private final boolean useLatestVersion;
    private final CredentialsSource credentialsSource;
    private final String userInfo;
    private final boolean specificAvroReader;
    private final int retries;
    private final int retryBackoffMs;
    private final int requestTimeoutMs;

    private SerdeConfig(Map<String, ?> props) {
        this.registryUrls = parseUrls(props.get(SCHEMA_REGISTRY_URL));
        this.autoRegisterSchemas = parseBoolean(props, AUTO_REGISTER_SCHEMAS, AUTO_REGISTER_SCHEMAS_DEFAULT);
        this.useLatestVersion = parseBoolean(props, USE_LATEST_VERSION, USE_LATEST_VERSION_DEFAULT);
        this.specificAvroReader = parseBoolean(props, SPECIFIC_AVRO_READER, SPECIFIC_AVRO_READER_DEFAULT);
        this.retries = parseInt(props, SCHEMA_REGISTRY_RETRIES, SCHEMA_REGISTRY_RETRIES_DEFAULT, 0, MAX_RETRIES);
        this.retryBackoffMs =
                parseInt(props, SCHEMA_REGISTRY_RETRY_BACKOFF_MS, SCHEMA_REGISTRY_RETRY_BACKOFF_MS_DEFAULT, 0, 600_000);
        this.requestTimeoutMs = parseInt(
                props,
                SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS,
                SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_DEFAULT,
                1,
                Integer.MAX_VALUE);
        this.credentialsSource = parseSource(props.get(BASIC_AUTH_CREDENTIALS_SOURCE));
        this.userInfo = resolveUserInfo(props.get(BASIC_AUTH_USER_INFO));
    }

    /**
     * Parses and validates a configuration.
     *
     * @param props the configuration; unknown keys are ignored
     * @return the validated configuration
     * @throws ConfigException naming the key of the first invalid value
     */
    public static SerdeConfig parse(Map<String, ?> props) {
        return new SerdeConfig(props == null ? Map.of() : props);
    }

    /**
     * Returns the registry URLs in the order they are tried; empty if none is configured.
     *
     * @return the URLs, as configured (including any user-info)
     */
    public List<String> registryUrls() {
        return registryUrls;
    }

    /**
     * Returns the registry URLs, failing if none is configured.
     *
     * @return the URLs, never empty
     * @throws ConfigException naming {@link #SCHEMA_REGISTRY_URL} if it is missing
     */
    public List<String> requireRegistryUrls() {
        if (registryUrls.isEmpty()) {
            throw new ConfigException("Missing required configuration \"" + SCHEMA_REGISTRY_URL
                    + "\" which has no default value (use http(s)://host:port or mock://SCOPE)");
        }
        return registryUrls;
    }

    /**
     * Tells whether the URL designates the in-memory registry.
     *
     * @return true for {@code mock://SCOPE}
     */
    public boolean isMock() {
        return !registryUrls.isEmpty() && registryUrls.get(0).startsWith(MOCK_URL_PREFIX);
    }

    /**
     * Returns the scope of a {@code mock://SCOPE} URL.
     *
     * @return the scope
     * @throws IllegalStateException if the URL is not a mock URL
     */
    public String mockScope() {
        if (!isMock()) {
            throw new IllegalStateException(SCHEMA_REGISTRY_URL + " is not a " + MOCK_URL_PREFIX + " URL");
        }
        return registryUrls.get(0).substring(MOCK_URL_PREFIX.length());
    }

    /**
     * Returns whether the serializer registers schemas.
     *
     * @return {@link #AUTO_REGISTER_SCHEMAS}
     */
    public boolean autoRegisterSchemas() {
        return autoRegisterSchemas;
    }

    /**
     * Returns whether the serializer writes with the latest schema of the subject.
     *
     * @return {@link #USE_LATEST_VERSION}
     */
    public boolean useLatestVersion() {
        return useLatestVersion;
    }

    /**
     * Returns where basic-auth credentials come from.
     *
     * @return {@link #BASIC_AUTH_CREDENTIALS_SOURCE}
     */
    public CredentialsSource credentialsSource() {
        return credentialsSource;
    }

    /**
     * Returns the basic-auth credentials from the configured source.
     *
     * @return {@code user:password}, or empty when no credentials are configured
     */
    public Optional<String> basicAuthUserInfo() {
        return Optional.ofNullable(userInfo);
    }

    /**
     * Returns whether records are read into the generated classes.
     *
     * @return {@link #SPECIFIC_AVRO_READER}
     */
    public boolean specificAvroReader() {
        return specificAvroReader;
    }

    /**
     * Returns the retries of a failed registry request.
     *
     * @return {@link #SCHEMA_REGISTRY_RETRIES}
     */
    public int retries() {
        return retries;
    }

    /**
     * Returns the backoff before the first retry.
     *
     * @return {@link #SCHEMA_REGISTRY_RETRY_BACKOFF_MS}
     */
    public int retryBackoffMs() {
        return retryBackoffMs;
    }

    /**
     * Returns the timeout of one registry request.
     *
     * @return {@link #SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS}
     */
    public int requestTimeoutMs() {
        return requestTimeoutMs;
    }

    /**
     * Describes the configuration with passwords masked.
     *
     * @return a description safe to log
     */
    @Override
    public String toString() {
        List<String> shown = new ArrayList<>();
        for (String url : registryUrls) {
            shown.add(redact(url));
        }
        return "SerdeConfig{urls=" + shown + ", autoRegister=" + autoRegisterSchemas + ", useLatestVersion="
                + useLatestVersion + ", credentialsSource=" + credentialsSource + ", basicAuth="
                + (userInfo == null ? "none" : "set") + ", specificAvroReader=" + specificAvroReader
                + ", retries=" + retries + ", retryBackoffMs=" + retryBackoffMs + ", requestTimeoutMs="
                + requestTimeoutMs + "}";
    }

    /** Replaces the password of a URL's user-info with {@code ***}. */
    static String redact(String url) {
        int scheme = url.indexOf("://");
        int at = url.indexOf('@');
        if (scheme < 0 || at < scheme) {
            return url;
        }
        int slash = url.indexOf('/', scheme + 3);
        if (slash >= 0 && slash < at) {
            return url;
        }
        String userInfo = url.substring(scheme + 3, at);
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return url.substring(0, scheme + 3) + user + ":***" + url.substring(at);
    }

    private static List<String> parseUrls(Object value) {
        if (value == null) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        if (value instanceof String s) {
            for (String part : s.split(",")) {
                parts.add(part.trim());
            }
        } else if (value instanceof Collection<?> c) {
            for (Object part : c) {
                parts.add(String.valueOf(part).trim());
            }
        } else {
            throw new ConfigException(SCHEMA_REGISTRY_URL, value, "expected a string of comma-separated URLs");
        }
        parts.removeIf(String::isEmpty);
        if (parts.isEmpty()) {
            throw new ConfigException("Invalid value for configuration " + SCHEMA_REGISTRY_URL
                    + ": empty (use http(s)://host:port or mock://SCOPE)");
        }
        boolean mock = false;
        boolean http = false;
        for (String url : parts) {
            if (url.startsWith(MOCK_URL_PREFIX)) {
                mock = true;
                if (url.length() == MOCK_URL_PREFIX.length()) {
                    throw invalidUrl(url, "mock:// needs a scope, e.g. mock://tollgate");
                }
                continue;
            }
            http = true;
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw invalidUrl(url, "not a URL: " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw invalidUrl(url, "scheme must be http, https or mock");
            }
            if (uri.getHost() == null) {
                throw invalidUrl(url, "no host");
            }
            if (uri.getQuery() != null || uri.getFragment() != null) {
                throw invalidUrl(url, "a base URL has no query or fragment");
            }
        }
        if (mock && http) {
            throw new ConfigException("Invalid value for configuration " + SCHEMA_REGISTRY_URL
                    + ": mock:// and http(s):// URLs cannot be mixed");
        }
        if (mock && parts.size() > 1) {
            throw new ConfigException(
                    "Invalid value for configuration " + SCHEMA_REGISTRY_URL + ": only one mock:// URL is allowed");
        }
        return List.copyOf(parts);
    }

    private static ConfigException invalidUrl(String url, String reason) {
        return new ConfigException(
                "Invalid value " + redact(url) + " for configuration " + SCHEMA_REGISTRY_URL + ": " + reason);
    }

    private static boolean parseBoolean(Map<String, ?> props, String key, boolean defaultValue) {
        Object value = props.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            String trimmed = s.trim();
            if (trimmed.equalsIgnoreCase("true")) {
                return true;
            }
            if (trimmed.equalsIgnoreCase("false")) {
                return false;
            }
        }
        throw new ConfigException(key, value, "expected true or false");
    }

    private static int parseInt(Map<String, ?> props, String key, int defaultValue, int min, int max) {
        Object value = props.get(key);
        if (value == null) {
            return defaultValue;
        }
        long parsed;
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            parsed = ((Number) value).longValue();
        } else if (value instanceof String s) {
            try {
                parsed = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key, value, "expected an integer");
            }
        } else {
            throw new ConfigException(key, value, "expected an integer");
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(
                    key, value, "must be between " + min + " and " + (max == Integer.MAX_VALUE ? "2^31-1" : max));
        }
        return (int) parsed;
    }

    private static CredentialsSource parseSource(Object value) {
        if (value == null) {
            return CredentialsSource.USER_INFO;
        }
        String s = String.valueOf(value).trim().toUpperCase(Locale.ROOT);
        for (CredentialsSource source : CredentialsSource.values()) {
            if (source.name().equals(s)) {
                return source;
            }
        }
        throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, value, "expected USER_INFO or URL");
    }

    private String resolveUserInfo(Object configured) {
        if (credentialsSource == CredentialsSource.URL) {
            if (isMock()) {
                return null;
            }
            String found = null;
            for (String url : registryUrls) {
                String info = URI.create(url).getRawUserInfo();
                if (info != null) {
                    found = java.net.URLDecoder.decode(info, java.nio.charset.StandardCharsets.UTF_8);
                    break;
                }
            }
            if (found == null) {
                throw new ConfigException("Invalid value for configuration " + BASIC_AUTH_CREDENTIALS_SOURCE
                        + ": URL, but " + SCHEMA_REGISTRY_URL + " has no user-info (http://user:password@host:port)");
            }
            if (found.indexOf(':') < 0) {
                throw new ConfigException("Invalid user-info in " + SCHEMA_REGISTRY_URL + ": expected user:password ("
                        + BASIC_AUTH_CREDENTIALS_SOURCE + "=URL)");
            }
            return found;
        }
        if (configured == null) {
            return null;
        }
        if (!(configured instanceof String)) {
            throw new ConfigException(
                    "Invalid value for configuration " + BASIC_AUTH_USER_INFO + ": expected a string user:password");
        }
        String info = ((String) configured).trim();
        if (info.isEmpty()) {
            return null;
        }
        if (info.indexOf(':') <= 0) {
            // never echo the value: it may be a password
            throw new ConfigException(
                    "Invalid value for configuration " + BASIC_AUTH_USER_INFO + ": expected user:password");
        }
        return info;
    }
}
