package io.vectaraft.index;

/** No collection has this name. */
public final class CollectionNotFoundException extends VectaraftException {
    public CollectionNotFoundException(String name) {
        super("collection " + ClientText.quote(name) + " does not exist");
    }
}
