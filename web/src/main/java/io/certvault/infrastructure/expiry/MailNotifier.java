package io.certvault.infrastructure.expiry;

import io.certvault.application.ExpiryNotifier;
import io.certvault.domain.ExpiryNoticeRepository;
import io.certvault.domain.ExpiryNoticeRepository.Notice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Properties;

/**
 * Sends a notice by e-mail (Jakarta Mail, over the configured SMTP server) to {@code certvault.expiry.mail-to}:
 * a subject that says what expires when, a text body, and the notice's JSON. Jakarta Mail comes from the server
 * (Payara Micro ships it; on a Web Profile server it must be added).
 */
@ApplicationScoped
public class MailNotifier implements ExpiryNotifier {
    static final String CHANNEL = "email";

    @Inject
    ConfiguredExpiry settings;

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public void deliver(Notice notice) throws IOException {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", settings.mailHost().orElseThrow(() -> new IOException(
                "certvault.mail.host is not set")));
        properties.put("mail.smtp.port", String.valueOf(settings.mailPort()));
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "30000");
        properties.put("mail.smtp.starttls.enable", String.valueOf(settings.mailStartTls()));
        properties.put("mail.smtp.starttls.required", String.valueOf(settings.mailStartTls()));
        Authenticator authenticator = null;
        if (settings.mailUser().isPresent()) {
            properties.put("mail.smtp.auth", "true");
            String user = settings.mailUser().get();
            String password = settings.mailPassword().orElse("");
            authenticator = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, password);
                }
            };
        }
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(properties, authenticator));
            message.setFrom(new InternetAddress(settings.mailFrom()));
            for (String to : settings.mailTo()) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            message.setSubject(subject(notice), "UTF-8");
            message.setHeader("X-Certvault-Delivery", notice.id());
            message.setText(text(notice), "UTF-8");
            Transport.send(message);
        } catch (MessagingException e) {
            throw new IOException("the mail was not sent: " + e.getMessage(), e);
        }
    }

    static String subject(Notice notice) {
        String certificate = notice.accountName() + "/" + notice.certificateName();
        return switch (notice.event()) {
            case EXPIRED -> "Certificate expired: " + certificate;
            case EXPIRING -> "Certificate expires within " + notice.thresholdDays() + " day(s): " + certificate;
            case SWITCHED -> "Certificate switched over: " + notice.accountName() + "/" + notice.predecessor()
                    + " -> " + notice.certificateName();
        };
    }

    static String text(Notice notice) {
        String head = switch (notice.event()) {
            case EXPIRED, EXPIRING -> "Certificate '" + notice.certificateName() + "' of integration account '"
                    + notice.accountName() + "'" + (notice.event() == ExpiryNoticeRepository.Event.EXPIRED
                            ? " expired on " : " expires on ") + notice.notAfter() + ".";
            case SWITCHED -> "Certificate '" + notice.certificateName() + "' of integration account '"
                    + notice.accountName() + "' took over from '" + notice.predecessor() + "'; it is valid until "
                    + notice.notAfter() + ".";
        };
        return head + "\n\nSubject: " + notice.subject() + "\nThumbprint: " + notice.thumbprint()
                + "\nAgreements using it: " + (notice.agreements().isEmpty() ? "none"
                        : String.join(", ", notice.agreements())) + "\n\n"
                + (notice.event() == ExpiryNoticeRepository.Event.SWITCHED ? ""
                        : "Renew it (POST .../certificates/{name}/renew, or issue or request a new certificate) "
                                + "before it ends.\n\n")
                + WebhookNotifier.body(notice) + "\n";
    }
}
