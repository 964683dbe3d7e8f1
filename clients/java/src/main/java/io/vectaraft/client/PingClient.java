package io.vectaraft.client;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.stub.MetadataUtils;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.PingResponse;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Pings a vectaraft server and prints its version and uptime.
 *
 * <p>Usage: {@code clients/java/ping.sh [--api-key KEY] [--tls-ca CA.pem [--tls-cert C.pem
 * --tls-key K.pem]] [HOST:PORT[,HOST:PORT...]]} (default {@value #DEFAULT_TARGET}); the key may
 * also come from {@code VECTARAFT_API_KEY}. With several addresses (the nodes of a cluster), a node
 * that answers {@code UNAVAILABLE} is passed over for the next ({@link Endpoints}). Exit status 0
 * when the server answered, 1 when the call failed, 2 on a usage error.
 */
public final class PingClient {
    /** Where the server listens by default. */
    public static final String DEFAULT_TARGET = "127.0.0.1:50051";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private PingClient() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** As {@link #run(String[], Map, PrintStream, PrintStream)} with this process's environment. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), out, err);
    }

    /**
     * The command: pings the target, prints the answer, returns the status.
     *
     * @param env where {@code VECTARAFT_API_KEY} is looked up
     */
    public static int run(
            String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(List.of(args), env);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage().isEmpty() ? usage() : e.getMessage() + "\n" + usage());
            return 2;
        }
        if (options.help()) {
            out.println(usage());
            return 0;
        }
        Endpoints endpoints;
        try {
            endpoints =
                    Endpoints.open(
                            options.target(),
                            t -> channel(t, options),
                            c -> withKey(c, options.apiKey()));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            err.println("ping " + options.target() + ": cannot set up TLS: " + e.getMessage());
            return 2;
        }
        try (endpoints) {
            PingResponse pong = endpoints.call(c -> ping(c, options.timeout()));
            out.printf(
                    "vectaraft %s at %s, up %d ms%n",
                    pong.getVersion(), endpoints.current(), pong.getUptimeMs());
            return 0;
        } catch (StatusRuntimeException e) {
            String description = e.getStatus().getDescription();
            err.printf(
                    "ping %s failed: %s%s%n",
                    options.target(),
                    e.getStatus().getCode(),
                    description == null ? "" : ": " + description.lines().findFirst().orElse(""));
            return 1;
        }
    }

    /** Plaintext, or TLS trusting {@code --tls-ca} (and presenting a client certificate). */
    private static ManagedChannel channel(String target, Options o) {
        try {
            return channel(NettyChannelBuilder.forTarget(target), o);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static ManagedChannel channel(NettyChannelBuilder builder, Options o)
            throws IOException {
        if (o.tlsCa() == null) {
            return builder.usePlaintext().build();
        }
        SslContextBuilder ssl =
                GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                        .trustManager(new File(o.tlsCa()));
        if (o.tlsCert() != null) {
            ssl.keyManager(new File(o.tlsCert()), new File(o.tlsKey()));
        }
        return builder.sslContext(ssl.build()).build();
    }

    /** Sends {@code authorization: Bearer <key>} on every call, when there is a key. */
    public static Channel withKey(Channel channel, String apiKey) {
        if (apiKey == null || apiKey.isEmpty()) {
            return channel;
        }
        Metadata headers = new Metadata();
        headers.put(
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + apiKey);
        ClientInterceptor attach = MetadataUtils.newAttachHeadersInterceptor(headers);
        return ClientInterceptors.intercept(channel, attach);
    }

    /**
     * Calls {@code Ping} on {@code channel}. Fails fast (UNAVAILABLE) when nothing listens there.
     *
     * @throws StatusRuntimeException when the call fails or times out
     */
    public static PingResponse ping(Channel channel, Duration timeout) {
        return VectorServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .ping(PingRequest.getDefaultInstance());
    }

    private static String usage() {
        return "usage: ping.sh [--api-key KEY] [--tls-ca CA.pem [--tls-cert CERT.pem --tls-key"
                + " KEY.pem]] [--timeout SECONDS] [HOST:PORT[,HOST:PORT...]]   (default "
                + DEFAULT_TARGET
                + ", "
                + DEFAULT_TIMEOUT.toSeconds()
                + " s; the key also from VECTARAFT_API_KEY)";
    }

    /** The command line, checked. */
    private record Options(
            String target,
            String apiKey,
            String tlsCa,
            String tlsCert,
            String tlsKey,
            Duration timeout,
            boolean help) {
        static Options parse(List<String> args, Map<String, String> env) {
            String target = null;
            String apiKey = env.get("VECTARAFT_API_KEY");
            String ca = null;
            String cert = null;
            String key = null;
            Duration timeout = DEFAULT_TIMEOUT;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--help", "-h" -> {
                        return new Options(
                                DEFAULT_TARGET, null, null, null, null, DEFAULT_TIMEOUT, true);
                    }
                    case "--api-key" -> apiKey = value(args, ++i, arg);
                    case "--tls-ca" -> ca = value(args, ++i, arg);
                    case "--tls-cert" -> cert = value(args, ++i, arg);
                    case "--tls-key" -> key = value(args, ++i, arg);
                    case "--timeout" -> timeout = seconds(value(args, ++i, arg));
                    default -> {
                        if (arg.startsWith("-") || target != null) {
                            throw new IllegalArgumentException("");
                        }
                        Endpoints.parse(arg); // fails naming a bad address
                        target = arg;
                    }
                }
            }
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            if (cert != null && ca == null) {
                throw new IllegalArgumentException("--tls-cert needs --tls-ca (TLS)");
            }
            return new Options(
                    target == null ? DEFAULT_TARGET : target,
                    apiKey,
                    ca,
                    cert,
                    key,
                    timeout,
                    false);
        }

        private static Duration seconds(String value) {
            try {
                double s = Double.parseDouble(value);
                if (s > 0 && s <= 3600) {
                    return Duration.ofMillis(Math.round(s * 1000));
                }
            } catch (NumberFormatException e) {
                // rejected below
            }
            throw new IllegalArgumentException(
                    "--timeout: expected seconds, more than 0 and at most 3600, got " + value);
        }

        private static String value(List<String> args, int i, String flag) {
            if (i >= args.size()) {
                throw new IllegalArgumentException("flag " + flag + " needs a value");
            }
            return args.get(i);
        }
    }
}
