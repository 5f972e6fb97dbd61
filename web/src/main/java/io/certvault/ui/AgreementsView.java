package io.certvault.ui;

import io.certvault.application.AgreementService;
import io.certvault.application.CertificateService;
import io.certvault.application.PartnerService;
import io.certvault.application.Precondition;
import io.certvault.domain.Agreement;
import io.certvault.domain.As2AgreementContent;
import io.certvault.domain.As2AgreementContent.Identity;
import io.certvault.domain.As2AgreementContent.MdnSettings;
import io.certvault.domain.As2AgreementContent.OneWay;
import io.certvault.domain.As2AgreementContent.ProtocolSettings;
import io.certvault.domain.As2AgreementContent.SecuritySettings;
import io.certvault.domain.As2AgreementContent.ValidationSettings;
import io.certvault.domain.BusinessIdentity;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.Partner;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An account's AS2 agreements in the portal's steps: the partners and their identities, then the receive
 * settings and the send settings, with certificates picked from those that fit. Editing keeps the settings the
 * page does not show (set through the API) as they were.
 */
@Named
@ViewScoped
public class AgreementsView implements Serializable {
    private static final long serialVersionUID = 1L;

    @Inject
    transient AgreementService agreements;
    @Inject
    transient PartnerService partners;
    @Inject
    transient CertificateService certificates;

    private String account;
    private String edit;
    private String name;
    private String hostPartner;
    private String hostIdentity;
    private String guestPartner;
    private String guestIdentity;
    // Receive settings
    private boolean receiveSigned = true;
    private boolean receiveEncrypted = true;
    private String verificationCertificate;
    private String decryptionCertificate;
    private boolean receiveSignMdn = true;
    private boolean checkDuplicates;
    // Send settings
    private boolean sendSigned = true;
    private boolean sendEncrypted = true;
    private boolean sendCompressed;
    private String signingAlgorithm = "SHA2256";
    private String encryptionAlgorithm = "AES256";
    private String signingCertificate;
    private String encryptionCertificate;
    private boolean needMdn = true;
    private boolean signMdn = true;
    private String micAlgorithm = "SHA2256";
    /** The guest's AS2 URL, where the transport sends (Certvault's partnerEndpoint); empty for none. */
    private String partnerUrl;
    private String confirming;
    private transient List<Agreement> rows;
    private transient List<Partner> partnerList;
    private transient List<Certificate> certificateList;

    public String load() {
        try {
            getRows();
            if (edit != null && !edit.isEmpty()) {
                show(agreements.get(account, edit));
            }
            return null;
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return "accounts";
        }
    }

    private void show(Agreement agreement) {
        name = agreement.name();
        hostPartner = agreement.hostPartner();
        hostIdentity = agreement.hostIdentity().value();
        guestPartner = agreement.guestPartner();
        guestIdentity = agreement.guestIdentity().value();
        As2AgreementContent existing = agreement.content();
        var receive = existing.receiveAgreement().protocolSettings();
        receiveSigned = receive.validationSettings().signMessage();
        receiveEncrypted = receive.validationSettings().encryptMessage();
        verificationCertificate = receive.securitySettings().signingCertificateName();
        decryptionCertificate = receive.securitySettings().encryptionCertificateName();
        receiveSignMdn = receive.mdnSettings().signMDN();
        checkDuplicates = receive.validationSettings().checkDuplicateMessage();
        var send = existing.sendAgreement().protocolSettings();
        sendSigned = send.validationSettings().signMessage();
        sendEncrypted = send.validationSettings().encryptMessage();
        sendCompressed = send.validationSettings().compressMessage();
        signingAlgorithm = send.validationSettings().signingAlgorithm();
        encryptionAlgorithm = send.validationSettings().encryptionAlgorithm();
        signingCertificate = send.securitySettings().signingCertificateName();
        encryptionCertificate = send.securitySettings().encryptionCertificateName();
        needMdn = send.mdnSettings().needMDN();
        signMdn = send.mdnSettings().signMDN();
        micAlgorithm = send.mdnSettings().micHashingAlgorithm();
        var endpoint = existing.sendAgreement().partnerEndpoint();
        partnerUrl = endpoint == null ? null : endpoint.url();
    }

    public List<Agreement> getRows() {
        if (rows == null) {
            rows = agreements.list(account, null, null, null, "1000").items();
        }
        return rows;
    }

    /** The account's partners, read once for the view: the selects read their options several times a render. */
    private List<Partner> partnerList() {
        if (partnerList == null) {
            partnerList = partners.list(account, null, "1000").items();
        }
        return partnerList;
    }

    /** The account's certificates, read once for the view, like the partners. */
    private List<Certificate> certificateList() {
        if (certificateList == null) {
            certificateList = certificates.all(account);
        }
        return certificateList;
    }

    public List<String> getPartnerNames() {
        return partnerList().stream().map(Partner::name).toList();
    }

    /** The AS2 names of all partners, labelled with their partner; the service checks that one is the partner's. */
    public Map<String, String> getAs2Identities() {
        Map<String, String> names = new java.util.LinkedHashMap<>();
        partnerList().forEach(p -> p.businessIdentities().stream()
                .filter(i -> BusinessIdentity.AS2_IDENTITY.equals(i.qualifier()))
                .forEach(i -> names.put(p.name() + ": " + i.value(), i.value())));
        return names;
    }

    public List<String> getAllCertificates() {
        return certificateList().stream().map(Certificate::name).toList();
    }

    public List<String> getPrivateCertificates() {
        return certificateList().stream().filter(Certificate::isPrivate).map(Certificate::name).toList();
    }

    public List<String> getSigningAlgorithms() {
        return As2AgreementContent.SIGNING_ALGORITHMS;
    }

    public List<String> getEncryptionAlgorithms() {
        return As2AgreementContent.ENCRYPTION_ALGORITHMS.stream().filter(a -> !a.equals("RC2")).toList();
    }

    public List<String> getMicAlgorithms() {
        return As2AgreementContent.MIC_ALGORITHMS;
    }

    public String save() {
        boolean editing = edit != null && !edit.isEmpty();
        As2AgreementContent base;
        try {
            // The settings as they are now, not as the page was opened: the page replaces only its own.
            base = editing ? agreements.get(account, edit).content() : new As2AgreementContent(null, null);
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return null;
        }
        var receive = settings(base.receiveAgreement(), receiveSigned, receiveEncrypted, null, null, null,
                verificationCertificate, decryptionCertificate, null, receiveSignMdn, null, checkDuplicates);
        var send = settings(base.sendAgreement(), sendSigned, sendEncrypted, sendCompressed, signingAlgorithm,
                encryptionAlgorithm, signingCertificate, encryptionCertificate, needMdn, signMdn, micAlgorithm, null);
        // The URL is the page's; the endpoint's timeouts, set through the API, stay.
        var endpoint = base.sendAgreement() == null ? null : base.sendAgreement().partnerEndpoint();
        send = new OneWay(send.senderBusinessIdentity(), send.receiverBusinessIdentity(), send.protocolSettings(),
                orNull(partnerUrl) == null ? null : new As2AgreementContent.PartnerEndpoint(partnerUrl.trim(),
                        endpoint == null ? null : endpoint.connectTimeoutSeconds(),
                        endpoint == null ? null : endpoint.readTimeoutSeconds(),
                        endpoint == null ? null : endpoint.trustedCertificateName(),
                        endpoint == null ? null : endpoint.username(), endpoint == null ? null : endpoint.passwordName()),
                send.delivery());
        try {
            boolean created = agreements.put(account, name, new AgreementService.Draft(Agreement.AS2, hostPartner,
                    guestPartner, as2(hostIdentity), as2(guestIdentity), new As2AgreementContent(receive, send),
                    null), editing ? Precondition.NONE : Precondition.createOnly()).created();
            Ui.info((created ? "Agreement '" : "Saved agreement '") + name + (created ? "' added." : "'."));
            return Ui.redirect("agreements", "account", account);
        } catch (CertvaultException e) {
            Ui.error(e, Map.of("InvalidName", "agreement:name", "PreconditionFailed", "agreement:name"));
            return null;
        }
    }

    private static Identity as2(String value) {
        return value == null || value.isEmpty() ? null : new Identity(BusinessIdentity.AS2_IDENTITY, value);
    }

    private static String orNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * One direction's settings: what the page shows replaced, the rest kept. Null for a setting the page does not
     * show on this side (it keeps what was there). The identities are left to the service, which fills them.
     */
    private static OneWay settings(OneWay given, boolean signed, boolean encrypted, Boolean compressed,
            String signing, String encryption, String signingCertificate, String encryptionCertificate,
            Boolean needMdn, Boolean signMdn, String mic, Boolean duplicates) {
        ProtocolSettings p = given == null ? null : given.protocolSettings();
        ValidationSettings v = p == null || p.validationSettings() == null
                ? new ValidationSettings(null, null, null, null, null, null, null, null, null, null)
                : p.validationSettings();
        SecuritySettings s = p == null || p.securitySettings() == null
                ? new SecuritySettings(null, null, null, null, null, null, null, null, null, null)
                : p.securitySettings();
        MdnSettings m = p == null || p.mdnSettings() == null
                ? new MdnSettings(null, null, null, null, null, null, null, null, null) : p.mdnSettings();
        v = new ValidationSettings(v.overrideMessageProperties(), encrypted, signed,
                compressed != null ? compressed : v.compressMessage(),
                duplicates != null ? duplicates : v.checkDuplicateMessage(), v.interchangeDuplicatesValidityDays(),
                v.checkCertificateRevocationListOnSend(), v.checkCertificateRevocationListOnReceive(),
                encryption != null ? encryption : v.encryptionAlgorithm(),
                signing != null ? signing : v.signingAlgorithm());
        s = new SecuritySettings(orNull(signingCertificate), orNull(encryptionCertificate),
                s.overrideGroupSigningCertificate(), s.enableNRRForInboundEncodedMessages(),
                s.enableNRRForInboundDecodedMessages(), s.enableNRRForOutboundMDN(),
                s.enableNRRForOutboundEncodedMessages(), s.enableNRRForOutboundDecodedMessages(),
                s.enableNRRForInboundMDN(), s.sha2AlgorithmFormat());
        m = new MdnSettings(needMdn != null ? needMdn : m.needMDN(), signMdn != null ? signMdn : m.signMDN(),
                m.sendMDNAsynchronously(), m.receiptDeliveryUrl(), m.dispositionNotificationTo(),
                m.signOutboundMDNIfOptional(), m.mdnText(), m.sendInboundMDNToMessageBox(),
                mic != null ? mic : m.micHashingAlgorithm());
        return new OneWay(null, null, new ProtocolSettings(p == null ? null : p.messageConnectionSettings(),
                p == null ? null : p.acknowledgementConnectionSettings(), m, s, v,
                p == null ? null : p.envelopeSettings(), p == null ? null : p.errorSettings()),
                given == null ? null : given.partnerEndpoint(), given == null ? null : given.delivery());
    }

    public String getPartnerUrl() {
        return partnerUrl;
    }

    public void setPartnerUrl(String partnerUrl) {
        this.partnerUrl = partnerUrl;
    }

    public void askDelete(String agreement) {
        confirming = agreement;
    }

    public void cancelDelete() {
        confirming = null;
    }

    public String delete() {
        try {
            agreements.delete(account, confirming, Precondition.NONE);
            Ui.info("Agreement '" + confirming + "' deleted.");
            return Ui.redirect("agreements", "account", account);
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            confirming = null;
            return null;
        }
    }

    /** How a direction is secured, in a few words for the list. */
    public String security(Agreement agreement, boolean send) {
        var side = send ? agreement.content().sendAgreement() : agreement.content().receiveAgreement();
        var v = side.protocolSettings().validationSettings();
        List<String> words = new ArrayList<>();
        if (v.signMessage()) {
            words.add("signed " + v.signingAlgorithm());
        }
        if (v.encryptMessage()) {
            words.add("encrypted " + v.encryptionAlgorithm());
        }
        if (v.compressMessage()) {
            words.add("compressed");
        }
        return words.isEmpty() ? "plain" : String.join(", ", words);
    }

    public String getAccount() {
        return account;
    }

    public void setAccount(String account) {
        this.account = account;
    }

    public String getEdit() {
        return edit;
    }

    public void setEdit(String edit) {
        this.edit = edit;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getHostPartner() {
        return hostPartner;
    }

    public void setHostPartner(String hostPartner) {
        this.hostPartner = hostPartner;
    }

    public String getHostIdentity() {
        return hostIdentity;
    }

    public void setHostIdentity(String hostIdentity) {
        this.hostIdentity = hostIdentity;
    }

    public String getGuestPartner() {
        return guestPartner;
    }

    public void setGuestPartner(String guestPartner) {
        this.guestPartner = guestPartner;
    }

    public String getGuestIdentity() {
        return guestIdentity;
    }

    public void setGuestIdentity(String guestIdentity) {
        this.guestIdentity = guestIdentity;
    }

    public boolean isReceiveSigned() {
        return receiveSigned;
    }

    public void setReceiveSigned(boolean receiveSigned) {
        this.receiveSigned = receiveSigned;
    }

    public boolean isReceiveEncrypted() {
        return receiveEncrypted;
    }

    public void setReceiveEncrypted(boolean receiveEncrypted) {
        this.receiveEncrypted = receiveEncrypted;
    }

    public String getVerificationCertificate() {
        return verificationCertificate;
    }

    public void setVerificationCertificate(String value) {
        this.verificationCertificate = value;
    }

    public String getDecryptionCertificate() {
        return decryptionCertificate;
    }

    public void setDecryptionCertificate(String value) {
        this.decryptionCertificate = value;
    }

    public boolean isReceiveSignMdn() {
        return receiveSignMdn;
    }

    public void setReceiveSignMdn(boolean receiveSignMdn) {
        this.receiveSignMdn = receiveSignMdn;
    }

    public boolean isCheckDuplicates() {
        return checkDuplicates;
    }

    public void setCheckDuplicates(boolean checkDuplicates) {
        this.checkDuplicates = checkDuplicates;
    }

    public boolean isSendSigned() {
        return sendSigned;
    }

    public void setSendSigned(boolean sendSigned) {
        this.sendSigned = sendSigned;
    }

    public boolean isSendEncrypted() {
        return sendEncrypted;
    }

    public void setSendEncrypted(boolean sendEncrypted) {
        this.sendEncrypted = sendEncrypted;
    }

    public boolean isSendCompressed() {
        return sendCompressed;
    }

    public void setSendCompressed(boolean sendCompressed) {
        this.sendCompressed = sendCompressed;
    }

    public String getSigningAlgorithm() {
        return signingAlgorithm;
    }

    public void setSigningAlgorithm(String value) {
        this.signingAlgorithm = value;
    }

    public String getEncryptionAlgorithm() {
        return encryptionAlgorithm;
    }

    public void setEncryptionAlgorithm(String value) {
        this.encryptionAlgorithm = value;
    }

    public String getSigningCertificate() {
        return signingCertificate;
    }

    public void setSigningCertificate(String value) {
        this.signingCertificate = value;
    }

    public String getEncryptionCertificate() {
        return encryptionCertificate;
    }

    public void setEncryptionCertificate(String value) {
        this.encryptionCertificate = value;
    }

    public boolean isNeedMdn() {
        return needMdn;
    }

    public void setNeedMdn(boolean needMdn) {
        this.needMdn = needMdn;
    }

    public boolean isSignMdn() {
        return signMdn;
    }

    public void setSignMdn(boolean signMdn) {
        this.signMdn = signMdn;
    }

    public String getMicAlgorithm() {
        return micAlgorithm;
    }

    public void setMicAlgorithm(String micAlgorithm) {
        this.micAlgorithm = micAlgorithm;
    }

    public String getConfirming() {
        return confirming;
    }
}
