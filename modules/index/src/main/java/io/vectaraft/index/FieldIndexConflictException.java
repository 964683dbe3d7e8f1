package io.vectaraft.index;

/** A field index on this key already exists (ALREADY_EXISTS). */
public final class FieldIndexConflictException extends VectaraftException {
    public FieldIndexConflictException(String collection, FieldIndexSpec existing) {
        super(
                "collection "
                        + ClientText.quote(collection)
                        + " already has a "
                        + existing.type().wireName()
                        + " index on key "
                        + ClientText.quote(existing.key()));
    }
}
