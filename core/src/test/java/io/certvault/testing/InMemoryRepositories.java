package io.certvault.testing;

import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateRepository;
import io.certvault.domain.IntegrationAccount;
import io.certvault.domain.IntegrationAccountRepository;
import io.certvault.domain.KeyReference;
import io.certvault.domain.Page;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/** Repositories over maps, for service tests. */
public final class InMemoryRepositories implements IntegrationAccountRepository, CertificateRepository {
    private final Map<String, IntegrationAccount> accounts = new TreeMap<>();
    private final Map<String, Certificate> certificates = new TreeMap<>();

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
        certificates.values().removeIf(c -> c.accountName().equals(name));
        return accounts.remove(name) != null;
    }

    @Override
    public Optional<Certificate> find(String accountName, String name) {
        return Optional.ofNullable(certificates.get(key(accountName, name)));
    }

    @Override
    public Page<Certificate> list(String accountName, String afterName, int limit) {
        Map<String, Certificate> ofAccount = new TreeMap<>();
        certificates.values().stream().filter(c -> c.accountName().equals(accountName)).forEach(c -> ofAccount.put(c.name(), c));
        return page(ofAccount, afterName, limit, Certificate::name);
    }

    @Override
    public void save(Certificate certificate) {
        certificates.put(key(certificate.accountName(), certificate.name()), certificate);
    }

    @Override
    public boolean delete(String accountName, String name) {
        return certificates.remove(key(accountName, name)) != null;
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
