package io.certvault.infrastructure.persistence;

import io.certvault.domain.CertificateRequest;
import io.certvault.domain.CertificateRequestRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

@ApplicationScoped
public class JpaCertificateRequestRepository implements CertificateRequestRepository {

    @Inject
    Database database;

    @Override
    public Optional<CertificateRequest> find(String accountName, String name) {
        return database.transaction(manager -> manager.createQuery("SELECT r FROM CertificateRequest r WHERE"
                + " r.accountName = :account AND r.name = :name", CertificateRequest.class)
                .setParameter("account", accountName).setParameter("name", name).getResultStream().findFirst());
    }

    @Override
    public Page<CertificateRequest> list(String accountName, String afterName, int limit) {
        return database.transaction(manager -> Page.of(manager.createQuery("SELECT r FROM CertificateRequest r"
                + " WHERE r.accountName = :account AND r.name > :after ORDER BY r.name", CertificateRequest.class)
                .setParameter("account", accountName).setParameter("after", afterName == null ? "" : afterName)
                .setMaxResults(limit + 1).getResultList(), limit, CertificateRequest::name));
    }

    @Override
    public void save(CertificateRequest request) {
        database.saving(manager -> Database.store(manager, request),
                () -> new CertvaultException(ErrorCode.CERTIFICATE_REQUEST_EXISTS, "Another request made certificate "
                        + "request '" + request.name() + "' at the same time: read it and try again."),
                () -> new CertvaultException(ErrorCode.ACCOUNT_NOT_FOUND, "Integration account '"
                        + request.accountName() + "' was deleted at the same time."));
    }

    @Override
    public boolean delete(String accountName, String name) {
        return database.writing(manager -> {
            Optional<CertificateRequest> request = find(accountName, name);
            request.ifPresent(manager::remove);
            return request.isPresent();
        });
    }
}
