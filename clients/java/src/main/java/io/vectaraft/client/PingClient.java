package io.vectaraft.client;

/** Pings a vectaraft server and prints its version. */
public final class PingClient {
    private PingClient() {}

    public static void main(String[] args) {}
}
