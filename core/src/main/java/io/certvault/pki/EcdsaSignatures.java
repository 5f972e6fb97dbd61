package io.certvault.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;

/**
 * ECDSA signatures in their two forms: DER ({@code SEQUENCE {r, s}}, what CMS and JCA use) and the raw
 * fixed-length {@code r || s} of JWS and IEEE P1363 (what Azure Key Vault returns).
 */
public final class EcdsaSignatures {

    private EcdsaSignatures() {
    }

    public static byte[] rawToDer(byte[] raw) {
        if (raw.length == 0 || raw.length % 2 != 0) {
            throw new IllegalArgumentException("a raw ECDSA signature has two halves of equal length");
        }
        int half = raw.length / 2;
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(raw, 0, half));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(raw, half, raw.length));
        try {
            return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)}).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding in memory cannot fail", e);
        }
    }

    /** @param fieldBytes the byte length of one half: 32 for P-256, 48 for P-384, 66 for P-521 */
    public static byte[] derToRaw(byte[] der, int fieldBytes) {
        ASN1Sequence sequence = ASN1Sequence.getInstance(der);
        byte[] raw = new byte[2 * fieldBytes];
        copy(ASN1Integer.getInstance(sequence.getObjectAt(0)).getPositiveValue(), raw, 0, fieldBytes);
        copy(ASN1Integer.getInstance(sequence.getObjectAt(1)).getPositiveValue(), raw, fieldBytes, fieldBytes);
        return raw;
    }

    private static void copy(BigInteger value, byte[] target, int offset, int length) {
        byte[] bytes = value.toByteArray();
        int start = bytes.length > length ? bytes.length - length : 0;
        int count = bytes.length - start;
        System.arraycopy(bytes, start, target, offset + length - count, count);
    }
}
