package io.vectaraft.index;

/** No collection (or alias) has this name. */
public final class CollectionNotFoundException extends VectaraftException {
    public CollectionNotFoundException(String name) {
        super("collection " + ClientText.quote(name) + " does not exist");
    }

    private CollectionNotFoundException(String message, boolean described) {
        super(message);
    }

    /** With a message of the caller's (an alias that does not exist, say). */
    public static CollectionNotFoundException described(String message) {
        return new CollectionNotFoundException(message, true);
    }
}
