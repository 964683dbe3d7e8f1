package io.vectaraft.server.config;

/** The configuration is unusable; the message is one line naming the setting and its source. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
