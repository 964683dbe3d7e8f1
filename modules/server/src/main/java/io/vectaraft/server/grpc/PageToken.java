package io.vectaraft.server.grpc;

import io.vectaraft.index.ClientText;
import io.vectaraft.index.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Scroll page tokens: the URL-safe base64 (unpadded) of the UTF-8 bytes of the last id returned.
 * Clients must treat them as opaque; encoding the id (not an offset) keeps paging stable while
 * records are added and removed.
 */
final class PageToken {
    private PageToken() {}

    /** The token that continues after {@code lastId}; empty when there is nothing more. */
    static String encode(String lastId) {
        if (lastId == null) {
            return "";
        }
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(lastId.getBytes(StandardCharsets.UTF_8));
    }

    /** The id to continue after, or null for an empty token (the first page). */
    static String decode(String token) {
        if (token.isEmpty()) {
            return null;
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(token);
            String id =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
            if (!id.isEmpty()) {
                return id;
            }
        } catch (IllegalArgumentException | CharacterCodingException e) {
            // fall through to the uniform message below
        }
        throw new InvalidArgumentException(
                "page_token: expected a next_page_token from a previous Scroll reply, got "
                        + ClientText.quote(token));
    }
}
