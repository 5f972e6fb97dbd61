package io.certvault.testing;

import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateQuery;
import io.certvault.domain.CertificateRepository;
import io.certvault.domain.IntegrationAccount;
import io.certvault.domain.IntegrationAccountRepository;
import io.certvault.domain.KeyReference;
import io.certvault.domain.Page;
import io.certvault.pki.CertificateDetails;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Repositories over maps, for service tests and benchmarks. Certificates are indexed by issuer and serial
 * number and by subject key identifier, as the database indexes them, so that a lookup costs what it costs there.
 */
public final class InMemoryRepositories implements IntegrationAccountRepository, CertificateRepository {
    private final Map<String, IntegrationAccount> accounts = new TreeMap<>();
    private final InMemoryAgreements agreements = new InMemoryAgreements();
    private final Map<String, Certificate> certificates = new TreeMap<>();
    private final Map<String, Set<String>> byIssuerAndSerialNumber = new HashMap<>();
    private final Map<String, Set<String>> bySubjectKeyIdentifier = new HashMap<>();
    /** Each certificate's entries in the two indexes, to take them out when it changes (its details have by then). */
    private final Map<String, List<String>> indexedAs = new HashMap<>();

    /** The agreements of these accounts (a repository of its own: its find is the certificates' find). */
    public InMemoryAgreements agreements() {
        return agreements;
    }

    private static String key(String account, String name) {
        return account + "\u0000" + name;
    }

    @Override
    public Optional<IntegrationAccount> find(String name) {
        return Optional.ofNullable(accounts.get(name));
    }

    @Override
    public Page<IntegrationAccount> list(String afterName, int limit) {
        return page(accounts, afterName, limit, IntegrationAccount::name);
    }

    @Override
    public void save(IntegrationAccount account) {
        accounts.put(account.name(), account);
    }

    @Override
    public boolean delete(String name) {
        certificates.values().stream().filter(c -> c.accountName().equals(name)).toList()
                .forEach(c -> delete(name, c.name()));
        return accounts.remove(name) != null;
    }

    @Override
    public Optional<Certificate> find(String accountName, String name) {
        return Optional.ofNullable(certificates.get(key(accountName, name)));
    }

    @Override
    public Page<Certificate> list(CertificateQuery query) {
        CertificateQuery.Order order = query.order();
        return Page.of(certificates.values().stream().filter(query::selects)
                .filter(c -> query.after() == null || order.positionOf(c).compareTo(query.after()) > 0)
                .sorted(Comparator.comparing(order::positionOf)).limit(query.limit() + 1L).toList(),
                query.limit(), c -> order.positionOf(c).text());
    }

    @Override
    public void save(Certificate certificate) {
        String key = key(certificate.accountName(), certificate.name());
        unindex(key);
        certificates.put(key, certificate);
        CertificateDetails details = certificate.details();
        String issuerAndSerialNumber = issuerAndSerialNumber(certificate.accountName(), details.issuer(),
                details.serialNumber());
        String subjectKeyIdentifier = key(certificate.accountName(), details.subjectKeyIdentifier());
        byIssuerAndSerialNumber.computeIfAbsent(issuerAndSerialNumber, k -> new TreeSet<>()).add(key);
        bySubjectKeyIdentifier.computeIfAbsent(subjectKeyIdentifier, k -> new TreeSet<>()).add(key);
        indexedAs.put(key, List.of(issuerAndSerialNumber, subjectKeyIdentifier));
    }

    @Override
    public boolean delete(String accountName, String name) {
        unindex(key(accountName, name));
        return certificates.remove(key(accountName, name)) != null;
    }

    @Override
    public List<Certificate> findByIssuerAndSerialNumber(String accountName, String issuer, String serialNumber) {
        return indexed(byIssuerAndSerialNumber, issuerAndSerialNumber(accountName, issuer, serialNumber));
    }

    @Override
    public List<Certificate> findBySubjectKeyIdentifier(String accountName, String subjectKeyIdentifier) {
        return indexed(bySubjectKeyIdentifier, key(accountName, subjectKeyIdentifier));
    }

    private static String issuerAndSerialNumber(String account, String issuer, String serialNumber) {
        return key(key(account, issuer), serialNumber);
    }

    private List<Certificate> indexed(Map<String, Set<String>> index, String key) {
        return index.getOrDefault(key, Set.of()).stream().map(certificates::get).toList();
    }

    private void unindex(String key) {
        List<String> entries = indexedAs.remove(key);
        if (entries != null) {
            byIssuerAndSerialNumber.getOrDefault(entries.get(0), new TreeSet<>()).remove(key);
            bySubjectKeyIdentifier.getOrDefault(entries.get(1), new TreeSet<>()).remove(key);
        }
    }

    @Override
    public long count(String accountName) {
        return findByAccount(accountName).size();
    }

    @Override
    public List<Certificate> findByAccount(String accountName) {
        return certificates.values().stream().filter(c -> c.accountName().equals(accountName))
                .sorted(java.util.Comparator.comparing(Certificate::name)).toList();
    }

    @Override
    public List<Certificate> findPredecessors(String accountName, String name) {
        return certificates.values().stream().filter(c -> c.accountName().equals(accountName)
                && name.equals(c.successorName())).toList();
    }

    @Override
    public List<Certificate> findSwitchOversDue(java.time.Instant now) {
        return certificates.values().stream().filter(c -> c.switchedOver(now) && c.switchedTime() == null).toList();
    }

    @Override
    public List<Certificate> findByKey(String vaultName, String keyName) {
        return certificates.values().stream().filter(c -> {
            KeyReference key = c.key();
            return key != null && key.vaultName().equals(vaultName) && key.keyName().equals(keyName);
        }).toList();
    }

    private static <T> Page<T> page(Map<String, T> sorted, String afterName, int limit, Function<T, String> name) {
        return Page.of(sorted.values().stream()
                .filter(v -> afterName == null || name.apply(v).compareTo(afterName) > 0).limit(limit + 1L).toList(),
                limit, name);
    }

    public int certificateCount() {
        return certificates.size();
    }

    public boolean hasAccount(String name) {
        return accounts.containsKey(Objects.requireNonNull(name));
    }
}
