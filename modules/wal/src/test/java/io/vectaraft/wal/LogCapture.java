package io.vectaraft.wal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the messages logged to one logger while open (System.Logger goes to JUL here). */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Handler handler =
            new Handler() {
                @Override
                public void publish(LogRecord r) {
                    messages.add(r.getLevel() + " " + r.getMessage());
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };

    LogCapture(Class<?> source) {
        // Held in a field: JUL keeps loggers only weakly.
        this.logger = Logger.getLogger(source.getName());
        logger.addHandler(handler);
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    /** The messages containing {@code text}, joined, or an empty string. */
    String find(String text) {
        return String.join("\n", messages.stream().filter(m -> m.contains(text)).toList());
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
