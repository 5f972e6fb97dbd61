package io.certvault.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Finds a private key's secret parts in bytes or text: its secret numbers (RSA d, p, q; EC s) in any
 * encoding that carries them as big-endian bytes, and the base64 forms of PKCS#8 and JWK that a leak
 * through a log or a response would show.
 */
public final class KeyLeaks {
    private static final int WINDOW = 16;

    private KeyLeaks() {
    }

    /** Whether any 16-byte stretch of the key's secret numbers stands in the bytes. */
    public static boolean inBytes(byte[] haystack, KeyPair pair) {
        for (BigInteger number : secretNumbers(pair)) {
            byte[] bytes = unsigned(number);
            for (int offset = 0; offset + WINDOW <= bytes.length; offset += WINDOW) {
                if (indexOf(haystack, Arrays.copyOfRange(bytes, offset, offset + WINDOW)) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the text shows the key's PKCS#8 base64, its PEM lines, its JWK secret or its numbers in hex. */
    public static boolean inText(String text, KeyPair pair) {
        return secretTexts(pair).stream().anyMatch(text::contains) || inBytes(text.getBytes(StandardCharsets.ISO_8859_1), pair);
    }

    public static List<String> secretTexts(KeyPair pair) {
        List<String> texts = new ArrayList<>();
        byte[] encoded = pair.getPrivate().getEncoded();
        String pkcs8 = Base64.getEncoder().encodeToString(encoded);
        // Only from the first secret number on (before it, PKCS#8 holds the public modulus, which certificates
        // show too), in pieces that also match inside 64-column PEM lines.
        int secretOffset = indexOf(encoded, unsigned(secretNumbers(pair).get(0)));
        for (int i = (secretOffset + 2) / 3 * 4; i + 40 <= pkcs8.length(); i += 64) {
            texts.add(pkcs8.substring(i, i + 40));
        }
        for (BigInteger number : secretNumbers(pair)) {
            texts.add(TestCertificates.base64url(number));
            texts.add(number.toString(16).substring(0, 32));
        }
        return texts;
    }

    static List<BigInteger> secretNumbers(KeyPair pair) {
        if (pair.getPrivate() instanceof RSAPrivateCrtKey rsa) {
            return List.of(rsa.getPrivateExponent(), rsa.getPrimeP(), rsa.getPrimeQ());
        }
        return List.of(((ECPrivateKey) pair.getPrivate()).getS());
    }

    private static byte[] unsigned(BigInteger number) {
        byte[] bytes = number.toByteArray();
        return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    /** Where {@code needle} first stands in {@code haystack}, or -1. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
