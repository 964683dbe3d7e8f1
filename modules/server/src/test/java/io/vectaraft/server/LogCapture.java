package io.vectaraft.server;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Every log record of this JVM while open, formatted as the server's console shows them. */
final class LogCapture extends Handler implements AutoCloseable {
    /** Held: java.util.logging keeps loggers weakly, and a collected one loses its handlers. */
    private static final Logger ROOT = Logger.getLogger("");

    private final SimpleFormatter formatter = new SimpleFormatter();
    private final List<LogRecord> records = new ArrayList<>();

    private LogCapture() {
        setLevel(Level.ALL);
    }

    static LogCapture start() {
        LogCapture capture = new LogCapture();
        ROOT.addHandler(capture);
        return capture;
    }

    @Override
    public synchronized void publish(LogRecord r) {
        records.add(r);
    }

    /** The records so far at {@code level} or above, each as the console would print it. */
    synchronized List<String> lines(Level level) {
        return records.stream()
                .filter(r -> r.getLevel().intValue() >= level.intValue())
                .map(formatter::format)
                .toList();
    }

    /** The console text of the records so far at {@code level} or above. */
    String text(Level level) {
        return String.join("", lines(level));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        ROOT.removeHandler(this);
    }
}
