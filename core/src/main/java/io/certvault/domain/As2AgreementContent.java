package io.certvault.domain;

/**
 * {@code properties.content.aS2} of an AS2 agreement, with Azure's names (Microsoft.Logic 2019-05-01): the
 * settings for what the host receives from the guest and for what it sends to the guest. The API reads and
 * answers these records as they are; a setting a request leaves out is null until {@link #withDefaults} fills
 * it, so that a stored agreement always shows every setting.
 */
public record As2AgreementContent(OneWay receiveAgreement, OneWay sendAgreement) {

    /** The defaults of Azure's portal: signed and encrypted, SHA-256 and AES-256, a signed MDN requested. */
    public As2AgreementContent withDefaults(Identity host, Identity guest) {
        return new As2AgreementContent(OneWay.filled(receiveAgreement, guest, host),
                OneWay.filled(sendAgreement, host, guest));
    }

    /**
     * One direction: who sends, who receives, and how. Two Certvault extensions (Azure's agreements leave the
     * transport to a Logic App): {@code partnerEndpoint} on the send side, where Certvault posts the messages it
     * sends, and {@code delivery} on the receive side, where it puts the payloads it receives; null otherwise.
     */
    public record OneWay(Identity senderBusinessIdentity, Identity receiverBusinessIdentity,
            ProtocolSettings protocolSettings, PartnerEndpoint partnerEndpoint, Delivery delivery) {

        static OneWay filled(OneWay given, Identity sender, Identity receiver) {
            OneWay g = given == null ? new OneWay(null, null, null, null, null) : given;
            return new OneWay(or(g.senderBusinessIdentity, sender), or(g.receiverBusinessIdentity, receiver),
                    ProtocolSettings.filled(g.protocolSettings), PartnerEndpoint.filled(g.partnerEndpoint),
                    g.delivery);
        }
    }

    /**
     * Where received payloads go besides the API (a Certvault extension): {@code folder}, a path below the
     * server's {@code certvault.as2.delivery-root}, where each payload is written under the file name the partner
     * sent, or the one {@code fileNameTemplate} makes (see {@link #FILE_NAME_FIELDS}); and/or {@code url}, where
     * each is POSTed, signed with an HMAC of the server's {@code certvault.as2.delivery-hmac-key}.
     */
    public record Delivery(String folder, String fileNameTemplate, String url) {
        /**
         * What a file name template may name, in braces: the partner's file name (the message's id where it sent
         * none), the Message-ID (without its angle brackets), the record's id, the sender's AS2 name, and the day
         * and time it was received (UTC, {@code yyyyMMdd} and {@code HHmmss}).
         */
        public static final java.util.List<String> FILE_NAME_FIELDS = java.util.List.of("fileName", "messageId",
                "id", "as2From", "date", "time");
    }

    /**
     * The partner's AS2 server (a Certvault extension): its URL, how long to wait for the connection and for the
     * answer (which holds a synchronous MDN), in seconds, and for an https URL optionally the certificate of the
     * account that its TLS certificate must chain to (its CA, or its own self-signed one) instead of the JVM's
     * trusted CAs; and HTTP Basic authentication as {@code username} with the password the server setting
     * {@code certvault.as2.partner-password.<passwordName>} holds (a secret stays in configuration, never in an
     * agreement or an answer).
     */
    public record PartnerEndpoint(String url, Integer connectTimeoutSeconds, Integer readTimeoutSeconds,
            String trustedCertificateName, String username, String passwordName) {

        static PartnerEndpoint filled(PartnerEndpoint given) {
            return given == null ? null : new PartnerEndpoint(given.url, or(given.connectTimeoutSeconds, 30),
                    or(given.readTimeoutSeconds, 120), given.trustedCertificateName, given.username,
                    given.passwordName);
        }
    }

    public record Identity(String qualifier, String value) {
        public static Identity of(BusinessIdentity identity) {
            return new Identity(identity.qualifier(), identity.value());
        }

        public BusinessIdentity toBusinessIdentity() {
            return new BusinessIdentity(qualifier, value);
        }
    }

    public record ProtocolSettings(ConnectionSettings messageConnectionSettings,
            ConnectionSettings acknowledgementConnectionSettings, MdnSettings mdnSettings,
            SecuritySettings securitySettings, ValidationSettings validationSettings,
            EnvelopeSettings envelopeSettings, ErrorSettings errorSettings) {

        static ProtocolSettings filled(ProtocolSettings given) {
            ProtocolSettings g = given == null ? new ProtocolSettings(null, null, null, null, null, null, null) : given;
            return new ProtocolSettings(ConnectionSettings.filled(g.messageConnectionSettings, true),
                    ConnectionSettings.filled(g.acknowledgementConnectionSettings, false),
                    MdnSettings.filled(g.mdnSettings), SecuritySettings.filled(g.securitySettings),
                    ValidationSettings.filled(g.validationSettings), EnvelopeSettings.filled(g.envelopeSettings),
                    ErrorSettings.filled(g.errorSettings));
        }
    }

    /** HTTP behaviour towards the partner; Azure keeps the message connection alive and the MDN one not. */
    public record ConnectionSettings(Boolean ignoreCertificateNameMismatch, Boolean keepHttpConnectionAlive,
            Boolean supportHttpStatusCodeContinue, Boolean unfoldHttpHeaders) {

        static ConnectionSettings filled(ConnectionSettings given, boolean forMessages) {
            ConnectionSettings g = given == null ? new ConnectionSettings(null, null, null, null) : given;
            return new ConnectionSettings(or(g.ignoreCertificateNameMismatch, false),
                    or(g.keepHttpConnectionAlive, forMessages), or(g.supportHttpStatusCodeContinue, forMessages),
                    or(g.unfoldHttpHeaders, forMessages));
        }
    }

    /** Values of {@code micHashingAlgorithm}. */
    public static final java.util.List<String> MIC_ALGORITHMS = java.util.List.of("MD5", "SHA1", "SHA2256", "SHA2384",
            "SHA2512", "None");

    public record MdnSettings(Boolean needMDN, Boolean signMDN, Boolean sendMDNAsynchronously,
            String receiptDeliveryUrl, String dispositionNotificationTo, Boolean signOutboundMDNIfOptional,
            String mdnText, Boolean sendInboundMDNToMessageBox, String micHashingAlgorithm) {

        static MdnSettings filled(MdnSettings given) {
            MdnSettings g = given == null ? new MdnSettings(null, null, null, null, null, null, null, null, null)
                    : given;
            return new MdnSettings(or(g.needMDN, true), or(g.signMDN, true), or(g.sendMDNAsynchronously, false),
                    g.receiptDeliveryUrl, g.dispositionNotificationTo, or(g.signOutboundMDNIfOptional, false),
                    g.mdnText, or(g.sendInboundMDNToMessageBox, true), or(g.micHashingAlgorithm, "SHA2256"));
        }
    }

    /** Values of {@code sha2AlgorithmFormat}: how a SHA-2 MIC algorithm is spelled in what Certvault sends. */
    public static final java.util.List<String> SHA2_FORMATS = java.util.List.of("NotSpecified", "Sha2",
            "ShaHashSize", "ShaHyphenHashSize", "Sha2UnderscoreHashSize");

    /**
     * The certificates: on the send side the host's private certificate that signs and the guest's that
     * encrypts; on the receive side the guest's that verifies and the host's private certificate that decrypts.
     */
    public record SecuritySettings(String signingCertificateName, String encryptionCertificateName,
            Boolean overrideGroupSigningCertificate, Boolean enableNRRForInboundEncodedMessages,
            Boolean enableNRRForInboundDecodedMessages, Boolean enableNRRForOutboundMDN,
            Boolean enableNRRForOutboundEncodedMessages, Boolean enableNRRForOutboundDecodedMessages,
            Boolean enableNRRForInboundMDN, String sha2AlgorithmFormat) {

        static SecuritySettings filled(SecuritySettings given) {
            SecuritySettings g = given == null
                    ? new SecuritySettings(null, null, null, null, null, null, null, null, null, null) : given;
            return new SecuritySettings(g.signingCertificateName, g.encryptionCertificateName,
                    or(g.overrideGroupSigningCertificate, false), or(g.enableNRRForInboundEncodedMessages, false),
                    or(g.enableNRRForInboundDecodedMessages, false), or(g.enableNRRForOutboundMDN, false),
                    or(g.enableNRRForOutboundEncodedMessages, false), or(g.enableNRRForOutboundDecodedMessages, false),
                    or(g.enableNRRForInboundMDN, false), or(g.sha2AlgorithmFormat, "ShaHyphenHashSize"));
        }
    }

    /** Values of {@code encryptionAlgorithm} and {@code signingAlgorithm}, as Azure names them. */
    public static final java.util.List<String> ENCRYPTION_ALGORITHMS = java.util.List.of("DES3", "RC2", "AES128",
            "AES192", "AES256");
    public static final java.util.List<String> SIGNING_ALGORITHMS = java.util.List.of("Default", "SHA1", "SHA2256",
            "SHA2384", "SHA2512");

    public record ValidationSettings(Boolean overrideMessageProperties, Boolean encryptMessage, Boolean signMessage,
            Boolean compressMessage, Boolean checkDuplicateMessage, Integer interchangeDuplicatesValidityDays,
            Boolean checkCertificateRevocationListOnSend, Boolean checkCertificateRevocationListOnReceive,
            String encryptionAlgorithm, String signingAlgorithm) {

        static ValidationSettings filled(ValidationSettings given) {
            ValidationSettings g = given == null
                    ? new ValidationSettings(null, null, null, null, null, null, null, null, null, null) : given;
            return new ValidationSettings(or(g.overrideMessageProperties, false), or(g.encryptMessage, true),
                    or(g.signMessage, true), or(g.compressMessage, false), or(g.checkDuplicateMessage, false),
                    or(g.interchangeDuplicatesValidityDays, 5), or(g.checkCertificateRevocationListOnSend, false),
                    or(g.checkCertificateRevocationListOnReceive, false), or(g.encryptionAlgorithm, "AES256"),
                    or(g.signingAlgorithm, "SHA2256"));
        }
    }

    public record EnvelopeSettings(String messageContentType, Boolean transmitFileNameInMimeHeader,
            String fileNameTemplate, Boolean suspendMessageOnFileNameGenerationError, Boolean autogenerateFileName) {

        static EnvelopeSettings filled(EnvelopeSettings given) {
            EnvelopeSettings g = given == null ? new EnvelopeSettings(null, null, null, null, null) : given;
            return new EnvelopeSettings(or(g.messageContentType, "text/plain"),
                    or(g.transmitFileNameInMimeHeader, false), or(g.fileNameTemplate, "%FILE().ReceivedFileName%"),
                    or(g.suspendMessageOnFileNameGenerationError, true), or(g.autogenerateFileName, false));
        }
    }

    public record ErrorSettings(Boolean suspendDuplicateMessage, Boolean resendIfMDNNotReceived) {

        static ErrorSettings filled(ErrorSettings given) {
            ErrorSettings g = given == null ? new ErrorSettings(null, null) : given;
            return new ErrorSettings(or(g.suspendDuplicateMessage, false), or(g.resendIfMDNNotReceived, false));
        }
    }

    private static <T> T or(T given, T otherwise) {
        return given != null ? given : otherwise;
    }
}
