package io.certvault.testing;

import io.certvault.domain.Agreement;
import io.certvault.domain.AgreementRepository;
import io.certvault.domain.BusinessIdentity;
import io.certvault.domain.Page;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** Agreements over a map, for service tests. */
public final class InMemoryAgreements implements AgreementRepository {
    private final Map<String, Agreement> agreements = new TreeMap<>();

    private static String key(String account, String name) {
        return account + "\u0000" + name;
    }

    private List<Agreement> of(String accountName) {
        return agreements.values().stream().filter(a -> a.accountName().equals(accountName)).toList();
    }

    @Override
    public Optional<Agreement> find(String accountName, String name) {
        return Optional.ofNullable(agreements.get(key(accountName, name)));
    }

    @Override
    public Page<Agreement> list(String accountName, String hostPartner, String guestPartner, String afterName,
            int limit) {
        return Page.of(of(accountName).stream()
                .filter(a -> hostPartner == null || a.hostPartner().equals(hostPartner))
                .filter(a -> guestPartner == null || a.guestPartner().equals(guestPartner))
                .filter(a -> afterName == null || a.name().compareTo(afterName) > 0)
                .limit(limit + 1L).toList(), limit, Agreement::name);
    }

    @Override
    public Optional<Agreement> findByIdentities(String accountName, BusinessIdentity host, BusinessIdentity guest) {
        return of(accountName).stream()
                .filter(a -> a.hostIdentity().equals(host) && a.guestIdentity().equals(guest)).findFirst();
    }

    @Override
    public Optional<String> havingIdentityPair(String accountName, String identityPair) {
        return of(accountName).stream()
                .filter(a -> Agreement.identityPair(a.hostIdentity(), a.guestIdentity()).equals(identityPair))
                .map(Agreement::name).findFirst();
    }

    @Override
    public List<String> usingCertificate(String accountName, String certificateName) {
        return of(accountName).stream().filter(a -> a.certificateNames().contains(certificateName))
                .map(Agreement::name).toList();
    }

    @Override
    public List<Agreement> withPartner(String accountName, String partnerName) {
        return of(accountName).stream().filter(a -> a.hostPartner().equals(partnerName)
                || a.guestPartner().equals(partnerName)).toList();
    }

    @Override
    public void save(Agreement agreement) {
        agreements.put(key(agreement.accountName(), agreement.name()), Objects.requireNonNull(agreement));
    }

    @Override
    public boolean delete(String accountName, String name) {
        return agreements.remove(key(accountName, name)) != null;
    }
}
