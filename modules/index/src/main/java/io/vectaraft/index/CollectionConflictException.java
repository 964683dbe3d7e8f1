package io.vectaraft.index;

/** A collection of this name exists with other parameters. */
public final class CollectionConflictException extends VectaraftException {
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
