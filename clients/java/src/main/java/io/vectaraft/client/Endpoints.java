package io.vectaraft.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Several addresses of one service (the nodes of a cluster): a call goes to the node that answered
 * last, and a call that fails with {@code UNAVAILABLE} (the node is down, restarting, or has no
 * leader) is tried once on each other node before it fails. Any node of a cluster takes reads and
 * writes, so clients need not know the leader.
 *
 * <p>A retried write may have been applied by the node that failed: vectaraft's upserts and deletes
 * by id are idempotent, so sending one again is safe.
 */
public final class Endpoints implements AutoCloseable {
    private final List<String> targets;
    private final List<ManagedChannel> channels;
    private final List<Channel> calling;
    private volatile int preferred;

    private Endpoints(List<String> targets, List<ManagedChannel> channels, List<Channel> calling) {
        this.targets = targets;
        this.channels = channels;
        this.calling = calling;
    }

    /**
     * Parses {@code HOST:PORT[,HOST:PORT...]}; opens a channel to each with {@code open} and
     * decorates it with {@code decorate} (e.g. {@link PingClient#withKey}).
     */
    public static Endpoints open(
            String targetList,
            Function<String, ManagedChannel> open,
            Function<Channel, Channel> decorate) {
        List<String> targets = parse(targetList);
        List<ManagedChannel> channels = new ArrayList<>();
        List<Channel> calling = new ArrayList<>();
        for (String t : targets) {
            ManagedChannel c = open.apply(t);
            channels.add(c);
            calling.add(decorate.apply(c));
        }
        return new Endpoints(List.copyOf(targets), List.copyOf(channels), List.copyOf(calling));
    }

    /** The addresses of {@code HOST:PORT[,HOST:PORT...]}; fails naming an empty or bad item. */
    public static List<String> parse(String targetList) {
        List<String> targets = new ArrayList<>();
        for (String item : targetList.split(",", -1)) {
            String t = item.strip();
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || colon == t.length() - 1) {
                throw new IllegalArgumentException(
                        "expected HOST:PORT[,HOST:PORT...], got \"" + item + "\"");
            }
            targets.add(t);
        }
        return targets;
    }

    /**
     * Runs {@code call} on the preferred node, and on {@code UNAVAILABLE} on each other node in
     * turn; the node that answers becomes the preferred one.
     *
     * @throws StatusRuntimeException the last failure, when no node answered, or the first failure
     *     that is not {@code UNAVAILABLE}
     */
    public <T> T call(Function<Channel, T> call) {
        int start = preferred;
        StatusRuntimeException last = null;
        for (int i = 0; i < targets.size(); i++) {
            int n = (start + i) % targets.size();
            try {
                T result = call.apply(calling.get(n));
                preferred = n;
                return result;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /** The address calls go to first (the last that answered). */
    public String current() {
        return targets.get(preferred);
    }

    public List<String> targets() {
        return targets;
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel c : channels) {
            try {
                c.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
