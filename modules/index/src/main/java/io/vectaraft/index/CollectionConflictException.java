package io.vectaraft.index;

/** A collection of this name exists with other parameters, or the name is taken. */
public final class CollectionConflictException extends VectaraftException {
    /** A name already taken (by a collection or an alias), as the message says. */
    public CollectionConflictException(String message) {
        super(message);
    }

    public CollectionConflictException(CollectionSpec existing, CollectionSpec requested) {
        super(
                "collection "
                        + ClientText.quote(existing.name())
                        + " already exists with "
                        + existing.describeParameters()
                        + ", requested "
                        + requested.describeParameters());
    }
}
