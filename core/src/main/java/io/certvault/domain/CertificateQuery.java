package io.certvault.domain;

import java.time.Instant;
import java.util.Comparator;
import java.util.Set;

/**
 * Which certificates a list holds, in which order, and where its page starts: keyset paging, so a page
 * continues after the last certificate of the previous one however the list is ordered.
 *
 * @param accounts the accounts to list, or null for every account
 * @param expiresBefore only certificates that expire before this instant ({@link Certificate#expiresBefore}), or null
 * @param after the position of the previous page's last certificate, null for the first page
 */
public record CertificateQuery(Set<String> accounts, Instant expiresBefore, Order order, Position after, int limit) {

    public CertificateQuery {
        accounts = accounts == null ? null : Set.copyOf(accounts);
    }

    /** The certificates of one account. */
    public static CertificateQuery ofAccount(String accountName, Instant expiresBefore, Order order, Position after,
            int limit) {
        return new CertificateQuery(Set.of(accountName), expiresBefore, order, after, limit);
    }

    /** Whether the certificate belongs in the list (its position aside). */
    public boolean selects(Certificate certificate) {
        return (accounts == null || accounts.contains(certificate.accountName()))
                && (expiresBefore == null || certificate.expiresBefore(expiresBefore));
    }

    /** How a list is ordered; names of certificates are unique per account, so account and name end every order. */
    public enum Order {
        /** By account, then name: the default. */
        NAME("name"),
        /** Soonest expiry first, then account and name. */
        NOT_AFTER("notAfter");

        private final String parameter;

        Order(String parameter) {
            this.parameter = parameter;
        }

        /** The order a {@code $orderby} value asks for; null or empty is by name. */
        public static Order parse(String orderBy) {
            if (orderBy == null || orderBy.isBlank()) {
                return NAME;
            }
            for (Order order : values()) {
                if (order.parameter.equals(orderBy.trim())) {
                    return order;
                }
            }
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "$orderby must be 'name' or 'notAfter', not '"
                    + orderBy.replaceAll("\\p{Cntrl}", "?") + "'.");
        }

        /** Where the certificate stands in this order. */
        public Position positionOf(Certificate certificate) {
            return new Position(this == NOT_AFTER ? certificate.notAfter() : null, certificate.accountName(),
                    certificate.name());
        }

        /** The position a page continues after, from the text {@link Position#text()} made; null for the first page. */
        public Position position(String text) {
            if (text == null) {
                return null;
            }
            String[] parts = text.split("/", -1);
            try {
                if (this == NAME && parts.length == 2) {
                    return new Position(null, ResourceName.require("account", parts[0]),
                            ResourceName.require("certificate", parts[1]));
                }
                if (this == NOT_AFTER && parts.length == 3) {
                    return new Position(Instant.ofEpochMilli(Long.parseLong(parts[0])),
                            ResourceName.require("account", parts[1]), ResourceName.require("certificate", parts[2]));
                }
            } catch (NumberFormatException | CertvaultException e) {
                // not one of ours
            }
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "The $skiptoken is not one this API issued for "
                    + "$orderby=" + parameter + ".");
        }
    }

    /** A certificate's place in an order: its expiry (only when ordered by it), account and name. */
    public record Position(Instant notAfter, String accountName, String name) implements Comparable<Position> {
        private static final Comparator<Position> ORDER = Comparator
                .comparing(Position::notAfter, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(Position::accountName).thenComparing(Position::name);

        @Override
        public int compareTo(Position other) {
            return ORDER.compare(this, other);
        }

        /** The position as text (names hold no '/'), for a skip token. */
        public String text() {
            return (notAfter == null ? "" : notAfter.toEpochMilli() + "/") + accountName + "/" + name;
        }
    }
}
