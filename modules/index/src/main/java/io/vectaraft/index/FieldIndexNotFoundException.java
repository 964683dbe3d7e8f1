package io.vectaraft.index;

/** No field index on this key (NOT_FOUND). */
public final class FieldIndexNotFoundException extends VectaraftException {
    public FieldIndexNotFoundException(String collection, String key) {
        super(
                "collection "
                        + ClientText.quote(collection)
                        + " has no field index on key "
                        + ClientText.quote(key));
    }
}
