package io.vectaraft.server;

/** Starts the vectaraft server. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("vectaraft: not yet");
    }
}
