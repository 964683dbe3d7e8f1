package io.vectaraft.index;

/** No collection has this name. */
public final class CollectionNotFoundException extends VectaraftException {
    public CollectionNotFoundException(String name) {
        super("collection \"" + name + "\" does not exist");
    }
}
