package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.Agreement;
import io.certvault.domain.AgreementRepository;
import io.certvault.domain.BusinessIdentity;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.IntegrationAccountRepository;
import io.certvault.domain.Page;
import io.certvault.domain.Partner;
import io.certvault.domain.PartnerRepository;
import io.certvault.domain.ResourceName;
import io.certvault.security.Permission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The trading partners of an integration account. */
@ApplicationScoped
public class PartnerService {
    /** Where a partner's identities are in the request body, for error messages. */
    static final String IDENTITIES_PATH = "properties.content.b2b.businessIdentities";
    /** RFC 4130's AS2-From / AS2-To: 1 to 128 printable ASCII characters. */
    private static final Pattern AS2_NAME = Pattern.compile("[\\x20-\\x7E]{1,128}");
    private static final int MAX_IDENTITIES = 100;

    private PartnerRepository partners;
    private AgreementRepository agreements;
    private IntegrationAccountRepository accounts;
    private Guard guard;
    private Clock clock;

    protected PartnerService() {
        // for CDI proxies
    }

    @Inject
    public PartnerService(PartnerRepository partners, AgreementRepository agreements,
            IntegrationAccountRepository accounts, Guard guard) {
        this(partners, agreements, accounts, guard, Clock.systemUTC());
    }

    public PartnerService(PartnerRepository partners, AgreementRepository agreements,
            IntegrationAccountRepository accounts, Guard guard, Clock clock) {
        this.partners = partners;
        this.agreements = agreements;
        this.accounts = accounts;
        this.guard = guard;
        this.clock = clock;
    }

    /**
     * Creates or replaces the partner if the precondition holds for it as it is. {@code partnerType} null means
     * B2B, the only type there is.
     */
    public Saved<Partner> put(String accountName, String name, String partnerType, List<BusinessIdentity> identities,
            String metadataJson, Precondition precondition) {
        return guard.change("partners/write", Permission.WRITE, AuditTarget.partner(accountName, name), () -> {
            requireAccount(accountName);
            ResourceName.require("partner", name);
            if (partnerType != null && !Partner.B2B.equals(partnerType)) {
                throw invalid("properties.partnerType must be \"B2B\", the only partner type there is.");
            }
            List<BusinessIdentity> checked = checked(identities);
            var existing = partners.find(accountName, name);
            precondition.check("partner '" + name + "'", existing.orElse(null));
            for (BusinessIdentity identity : checked) {
                partners.ownerOf(accountName, identity).filter(owner -> !owner.equals(name)).ifPresent(owner -> {
                    throw new CertvaultException(ErrorCode.BUSINESS_IDENTITY_IN_USE, "The business identity "
                            + identity.qualifier() + " '" + identity.value() + "' belongs to partner '" + owner
                            + "' of integration account '" + accountName + "': an identity names one partner.");
                });
            }
            existing.ifPresent(partner -> requireIdentitiesKept(partner, checked));
            Partner partner = existing.orElseGet(() -> new Partner(accountName, name, clock.instant()));
            partner.update(checked, metadataJson, clock.instant());
            partners.save(partner);
            return new Saved<>(partner, existing.isEmpty());
        });
    }

    public Partner get(String accountName, String name) {
        ResourceName.require("integration account", accountName);
        guard.read(accountName);
        ResourceName.require("partner", name);
        requireAccount(accountName);
        return partners.find(accountName, name).orElseThrow(() -> notFound(accountName, name));
    }

    public Page<Partner> list(String accountName, String afterName, String top) {
        ResourceName.require("integration account", accountName);
        guard.read(accountName);
        requireAccount(accountName);
        return partners.list(accountName, afterName, Paging.top(top));
    }

    /** False when there was no such partner. */
    public boolean delete(String accountName, String name, Precondition precondition) {
        return guard.change("partners/delete", Permission.WRITE, AuditTarget.partner(accountName, name), () -> {
            requireAccount(accountName);
            ResourceName.require("partner", name);
            precondition.check("partner '" + name + "'", partners.find(accountName, name).orElse(null));
            List<String> users = agreements.withPartner(accountName, name).stream().map(Agreement::name).toList();
            if (!users.isEmpty()) {
                throw inUse(name, users, "delete those agreements first");
            }
            return partners.delete(accountName, name);
        });
    }

    /** An identity that an agreement knows the partner by stays while the agreement does. */
    private void requireIdentitiesKept(Partner partner, List<BusinessIdentity> identities) {
        for (Agreement agreement : agreements.withPartner(partner.accountName(), partner.name())) {
            BusinessIdentity used = partner.name().equals(agreement.hostPartner()) ? agreement.hostIdentity()
                    : agreement.guestIdentity();
            if (!identities.contains(used)) {
                throw inUse(partner.name(), List.of(agreement.name()), "the partner is known by " + used
                        + " there; change the agreement first");
            }
        }
    }

    private static CertvaultException inUse(String partner, List<String> agreements, String advice) {
        return new CertvaultException(ErrorCode.PARTNER_IN_USE, "Partner '" + partner + "' is in "
                + AgreementService.named(agreements) + ": " + advice + ".");
    }

    private void requireAccount(String accountName) {
        ResourceName.require("integration account", accountName);
        IntegrationAccountService.requireExisting(accounts, accountName);
    }

    /** At least one identity, each with a qualifier and a value, none twice; AS2 names as RFC 4130 has them. */
    private static List<BusinessIdentity> checked(List<BusinessIdentity> identities) {
        if (identities == null || identities.isEmpty()) {
            throw invalid(IDENTITIES_PATH + " is required: a partner has at least one business identity "
                    + "(for AS2, {\"qualifier\": \"AS2Identity\", \"value\": \"<its AS2 name>\"}).");
        }
        if (identities.size() > MAX_IDENTITIES) {
            throw invalid(IDENTITIES_PATH + " has " + identities.size() + " identities; at most " + MAX_IDENTITIES
                    + " are allowed.");
        }
        Set<BusinessIdentity> seen = new HashSet<>();
        for (int i = 0; i < identities.size(); i++) {
            BusinessIdentity identity = identities.get(i);
            String at = IDENTITIES_PATH + "[" + i + "]";
            if (identity == null) {
                throw invalid(at + " must be an object with a qualifier and a value.");
            }
            requireText(at + ".qualifier", identity.qualifier());
            requireText(at + ".value", identity.value());
            if (BusinessIdentity.AS2_IDENTITY.equals(identity.qualifier())
                    && !AS2_NAME.matcher(identity.value()).matches()) {
                throw invalid(at + ".value is not an AS2 name: RFC 4130 allows 1 to 128 printable ASCII "
                        + "characters (AS2-From / AS2-To).");
            }
            if (!seen.add(identity)) {
                throw invalid(at + " repeats " + identity.qualifier() + " '" + identity.value() + "'.");
            }
        }
        return List.copyOf(identities);
    }

    private static void requireText(String at, String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(at + " is required.");
        }
        if (text.length() > 128 || !text.strip().equals(text) || text.chars().anyMatch(Character::isISOControl)) {
            throw invalid(at + " must be 1 to 128 characters, without control characters or surrounding spaces.");
        }
    }

    private static CertvaultException invalid(String message) {
        return new CertvaultException(ErrorCode.INVALID_REQUEST, message);
    }

    static CertvaultException notFound(String accountName, String name) {
        return new CertvaultException(ErrorCode.PARTNER_NOT_FOUND, "There is no partner '" + name
                + "' in integration account '" + accountName + "'.");
    }
}
