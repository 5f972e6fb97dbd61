package io.certvault.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.testing.TestCertificates;
import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The portal's certificate flow in real headless Chromium against the deployed WAR: the steps a person
 * who knows the Azure portal takes, one page at a time, with a screenshot of each under
 * target/screenshots/.
 */
// The server's cloud vaults point at the simulators; they must answer while it starts.
@ExtendWith({io.certvault.rest.KeyVaultSimulatorExtension.class, ArquillianExtension.class})
class PortalIT {
    private static WebDriver browser;
    private static Path files;
    private static Path screenshots;

    @ArquillianResource
    private URL deploymentUrl;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("certvault.war")));
    }

    @BeforeAll
    static void startBrowser() throws Exception {
        Path target = Path.of(System.getProperty("java.io.tmpdir"));
        files = Files.createDirectories(target.resolve("portal-files"));
        screenshots = Files.createDirectories(target.resolve("screenshots"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // The browser's console, where Chromium reports what the Content-Security-Policy blocked.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1000",
                "--user-data-dir=" + Files.createTempDirectory(target, "chromium-profile-"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        // No implicit wait: every step waits explicitly for what the page must show.
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private String page(String path) {
        return "http://127.0.0.1:" + deploymentUrl.getPort() + deploymentUrl.getPath() + path;
    }

    /** Every test starts signed in as the admin, through the sign-in form. */
    @BeforeEach
    void signInAsAdmin() {
        // Each test answers for its own pages: what an earlier one left in the browser's log (one opens the
        // favicon as a page, whose image viewer styles itself inline) is not this test's.
        browser.manage().logs().get(LogType.BROWSER);
        signIn("admin", System.getProperty("certvault.it.admin-password"));
        assertThat(waitFor(By.className("user"), "admin")).isEqualTo("admin");
    }

    /** Signs in through the form; the caller waits for what the page it lands on must show. */
    private void signIn(String user, String password) {
        browser.manage().deleteAllCookies();
        // Not signed in: every page leads to the sign-in form.
        open("accounts.xhtml", "Sign in");
        assertThat(browser.getCurrentUrl()).contains("login.xhtml");
        type(By.id("username"), user);
        type(By.id("password"), password);
        submit(By.id("signIn"));
    }

    @Test
    void signInSignOutAndAReaderSeesNoChangeButtons() throws Exception {
        createAccount("portal-readable");
        // The admin adds a user and gives it the reader role on the Users and roles page.
        clickThrough(By.linkText("Users and roles"), By.tagName("h1"), "Users and roles");
        type(By.id("user:name"), "portal-reader");
        type(By.id("user:password"), "reader-password-1");
        assertThat(clickThrough(By.id("user:saveUser"), By.id("users:list"), "portal-reader")).contains("portal-reader");
        type(By.id("assign:principal"), "portal-reader");
        select(By.id("assign:role"), "reader");
        assertThat(clickThrough(By.id("assign:assignButton"), By.id("assignments:list"), "portal-reader"))
                .contains("reader");
        shot("9-users-and-roles");

        // Another admin sets the user's password meanwhile (through the API): saving this page's form over it says
        // so instead of overwriting it.
        var other = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(page("api/users/portal-reader")))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:"
                        + System.getProperty("certvault.it.admin-password")).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"properties\": {\"password\": "
                        + "\"reader-password-1\"}}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(200);
        type(By.id("user:name"), "portal-reader");
        type(By.id("user:password"), "overwritten-password-1");
        assertThat(clickThrough(By.id("user:saveUser"), By.id("user"), "changed since it was read"))
                .contains("user 'portal-reader' changed since it was read");

        // Sign out: the session ends, and pages lead back to the form.
        assertThat(clickThrough(By.id("signOut"), By.tagName("main"), "You are signed out"))
                .contains("You are signed out");
        open("account.xhtml?name=portal-readable", "Sign in");
        assertThat(browser.getCurrentUrl()).contains("login.xhtml");

        // A wrong password and an unknown user read the same.
        signIn("portal-reader", "wrong-password-1");
        String wrongPassword = waitFor(By.tagName("main"), "Wrong user name or password");
        signIn("nobody-here", "wrong-password-1");
        assertThat(waitFor(By.tagName("main"), "Wrong user name or password")).isEqualTo(wrongPassword);
        shot("0-sign-in");

        // A reader sees accounts, certificates and keys, but no button that would change them.
        signIn("portal-reader", "reader-password-1");
        waitFor(By.className("user"), "portal-reader");
        assertThat(waitFor(By.id("accounts:list"), "portal-readable")).contains("portal-readable");
        assertThat(browser.findElements(By.id("create:createButton"))).isEmpty();
        assertThat(browser.findElement(By.id("accounts:list")).findElements(By.cssSelector("input[value='Delete']")))
                .isEmpty();
        openCertificates("portal-readable");
        assertThat(browser.findElements(By.id("add"))).isEmpty();
        clickThrough(By.linkText("Vault keys"), By.tagName("h1"), "Vault keys");
        assertThat(browser.findElements(By.id("import:importButton"))).isEmpty();
        assertThat(browser.findElements(By.id("create:createButton"))).isEmpty();
        assertThat(browser.findElements(By.linkText("Users and roles"))).isEmpty();
        shot("7-reader-view");

        // Any user changes their own password (the user name in the header leads there), then signs in anew.
        clickThrough(By.className("user"), By.tagName("h1"), "Change password");
        type(By.id("password:current"), "reader-password-1");
        type(By.id("password:next"), "reader-password-2");
        type(By.id("password:repeated"), "reader-password-2");
        shot("8-change-password");
        clickThrough(By.id("password:change"), By.tagName("main"), "sign in with the new one");
        signIn("portal-reader", "reader-password-2");
        waitFor(By.className("user"), "portal-reader");
        clickThrough(By.id("signOut"), By.tagName("main"), "You are signed out");
    }

    @Test
    void signInReturnsToThePageAskedForNotToWhatTheBrowserFetchedMeanwhile() {
        browser.manage().deleteAllCookies();
        open("accounts.xhtml", "Sign in");
        // While the sign-in page shows, the browser fetches its icon (open to anyone) ...
        browser.get(page("favicon.ico"));
        waitUntil(ExpectedConditions.urlToBe(page("favicon.ico")));
        // ... and other things that are not pages: each leads to the sign-in form, none is remembered.
        for (String notAPage : List.of("resources/js/certvault.js", "nope.xhtml", "nope.png")) {
            open(notAPage, "Sign in");
        }
        open("login.xhtml", "Sign in");
        type(By.id("username"), "admin");
        type(By.id("password"), System.getProperty("certvault.it.admin-password"));
        submit(By.id("signIn"));
        waitFor(By.tagName("h1"), "Integration accounts");
        assertThat(browser.getCurrentUrl()).isEqualTo(page("accounts.xhtml"));
    }

    @Test
    void unknownPagesAnswerCertvaultsOwnPage() throws Exception {
        for (String unknown : List.of("nope.xhtml", "nope", "WEB-INF/web.xml")) {
            open(unknown, "Page not found");
            assertThat(browser.getTitle()).as(unknown).isEqualTo("Page not found - Certvault");
            // In the layout, signed in: the brand, the menu and the user; nothing of the server's own page.
            assertThat(browser.findElement(By.cssSelector("header.top .brand")).getText()).isEqualTo("Certvault");
            assertThat(browser.findElement(By.className("user")).getText()).isEqualTo("admin");
            assertThat(browser.getPageSource()).as(unknown).doesNotContain("Payara").doesNotContain("HTTP Status")
                    .doesNotContain("GlassFish").doesNotContain("Exception");
        }
        shot("10-page-not-found");
        clickThrough(By.id("home"), By.tagName("h1"), "Integration accounts");
    }

    @Test
    void theCertificateFlowOfThePortal() throws Exception {
        // 1. Integration accounts: create one.
        open("accounts.xhtml", "Integration accounts");
        type(By.id("create:name"), "portal-contoso");
        type(By.id("create:location"), "on-premises");
        assertThat(clickThrough(By.id("create:createButton"), By.tagName("h1"), "portal-contoso"))
                .isEqualTo("portal-contoso");
        assertThat(waitFor(By.id("auditEvents"), "integrationAccounts/write")).contains("admin");
        shot("2-account-overview");

        open("accounts.xhtml", "Integration accounts");
        type(By.id("accounts:filter"), "portal");
        assertThat(clickThrough(By.id("accounts:applyFilter"), By.id("accounts:list"), "portal-contoso"))
                .contains("portal-contoso");
        assertThat(browser.findElement(By.id("accounts:filter")).getAttribute("value")).isEqualTo("portal");
        shot("1-integration-accounts");

        // 2. A key in the vault, imported from a PEM file.
        KeyPair ours = TestCertificates.rsa(2048);
        Path keyFile = write("contoso.key", TestCertificates.pkcs8Pem(ours.getPrivate()));
        clickThrough(By.linkText("Vault keys"), By.tagName("h1"), "Vault keys");
        type(By.id("import:importName"), "portal-contoso-key");
        type(By.id("import:keyFile"), keyFile.toString());
        assertThat(clickThrough(By.id("import:importButton"), By.id("keys"), "portal-contoso-key")).contains("RSA 2048");
        assertThat(browser.getPageSource()).doesNotContain(TestCertificates.pkcs8Pem(ours.getPrivate()).substring(40, 100));
        type(By.id("create:createName"), "portal-made-here");
        select(By.id("create:spec"), "EC_P256");
        assertThat(clickThrough(By.id("create:createButton"), By.id("keys"), "portal-made-here")).contains("EC 256");
        shot("6-vault-keys");

        // 3. A partner's public certificate from a .cer (DER) file.
        X509Certificate partner = TestCertificates.selfSigned(TestCertificates.rsa(2048), "fabrikam");
        Path partnerFile = files.resolve("fabrikam.cer");
        Files.write(partnerFile, partner.getEncoded());
        openAddCertificate("portal-contoso");
        type(By.id("add:name"), "fabrikam");
        type(By.id("add:file"), partnerFile.toString());
        shot("4-add-certificate");
        assertThat(clickThrough(By.id("add:ok"), By.tagName("main"), "'fabrikam' added")).contains("Public")
                .contains(thumbprint(partner));

        // 4. Our private certificate: type Private, vault, key (listed by Ajax), PEM file.
        X509Certificate contoso = TestCertificates.selfSigned(ours, "contoso");
        Path contosoFile = write("contoso.pem", TestCertificates.pem(contoso));
        assertThat(addPrivate("contoso", contosoFile, "portal-contoso-key", By.tagName("main"), "'contoso' added"))
                .contains("Private").contains(thumbprint(contoso)).contains("default/portal-contoso-key");

        // 4b. Or one issued from a vault key, without a file: a new EC key made in the same step, the vault signs.
        openAddCertificate("portal-contoso");
        clickThrough(By.id("issueInstead"), By.tagName("h1"), "Issue a certificate");
        type(By.id("issue:name"), "contoso-issued");
        type(By.id("issue:newKeyName"), "portal-issued-key");
        select(By.id("issue:newKeyType"), "EC-P-256");
        type(By.id("issue:subject"), "not a name");
        type(By.id("issue:dnsNames"), "as2.contoso.example");
        shot("4-issue-certificate");
        // A subject that is no distinguished name: said next to the subject, nothing made.
        assertThat(clickThrough(By.id("issue:ok"), By.id("issue"), "not a distinguished name"))
                .contains("not a distinguished name");
        element(By.id("issue:subject")).clear();
        type(By.id("issue:subject"), "CN=Contoso Portal, O=Contoso Ltd");
        waitUntil(ExpectedConditions.elementToBeClickable(By.cssSelector("input[value='emailProtection']"))).click();
        assertThat(clickThrough(By.id("issue:ok"), By.tagName("main"), "'contoso-issued' issued"))
                .contains("contoso-issued").contains("default/portal-issued-key");
        assertThat(clickThrough(By.linkText("contoso-issued"), By.tagName("main"), "CN=Contoso Portal"))
                .contains("O=Contoso Ltd");

        // 4c. Or requested from a CA: the same page makes the CSR, an openssl CA signs it, its answer completes it.
        openAddCertificate("portal-contoso");
        clickThrough(By.id("issueInstead"), By.tagName("h1"), "Issue a certificate");
        type(By.id("issue:name"), "contoso-ca-signed");
        type(By.id("issue:newKeyName"), "portal-requested-key");
        select(By.id("issue:newKeyType"), "RSA-2048");
        type(By.id("issue:subject"), "CN=Contoso CA-signed, O=Contoso Ltd");
        assertThat(clickThrough(By.id("issue:request"), By.tagName("main"), "give its CSR to your CA"))
                .contains("contoso-ca-signed").contains("Pending");
        String csr = browser.findElement(By.id("csr")).getAttribute("value");
        assertThat(csr).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
        shot("4-certificate-request");
        Path ca = Files.createTempDirectory(files, "ca");
        Files.writeString(ca.resolve("request.csr"), csr);
        io.certvault.testing.OpenSsl.run(ca, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj",
                "/CN=Portal Test CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE");
        io.certvault.testing.OpenSsl.run(ca, "x509", "-req", "-in", "request.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "30", "-out", "answer.pem");
        Path answer = write("answer.pem", Files.readString(ca.resolve("answer.pem"))
                + Files.readString(ca.resolve("ca.pem")));
        type(By.id("answer:file"), answer.toString());
        assertThat(clickThrough(By.id("answer:complete"), By.tagName("main"), "completed"))
                .contains("CN=Portal Test CA").contains("issued by CN=Portal Test CA");

        // 5. A certificate that is not the key's: the error stands next to the key, the form keeps the name.
        Path wrongFile = write("wrong.pem", TestCertificates.pem(partner));
        assertThat(addPrivate("mismatch", wrongFile, "portal-contoso-key", By.id("add"), "does not match key"))
                .contains("does not match key 'portal-contoso-key'");
        assertThat(browser.findElement(By.id("add:name")).getAttribute("value")).isEqualTo("mismatch");
        shot("4-add-certificate-key-mismatch");

        // A name that is taken is refused next to the name.
        assertThat(addPrivate("contoso", contosoFile, "portal-contoso-key", By.id("add"), "exists already"))
                .contains("'contoso' exists already");

        // 6. An expired certificate gets its badge.
        Instant now = Instant.now();
        X509Certificate expired = TestCertificates.selfSigned(TestCertificates.rsa(2048), "old-partner",
                now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(2)));
        Path expiredFile = files.resolve("old.cer");
        Files.write(expiredFile, expired.getEncoded());
        openAddCertificate("portal-contoso");
        type(By.id("add:name"), "old-partner");
        type(By.id("add:file"), expiredFile.toString());
        clickThrough(By.id("add:ok"), By.tagName("main"), "'old-partner' added");
        assertThat(waitFor(By.cssSelector(".badge.expired"), "Expired")).isEqualTo("Expired");
        shot("3-certificates");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(420, 900));
        shot("3-certificates-narrow");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));

        // 7. Details, then delete after confirmation.
        assertThat(clickThrough(By.linkText("fabrikam"), By.id("thumbprint"), thumbprint(partner)))
                .isEqualTo(thumbprint(partner));
        assertThat(browser.findElement(By.id("pem")).getAttribute("value")).startsWith("-----BEGIN CERTIFICATE-----");
        // The certificate's audit events: who added it, from where.
        assertThat(waitFor(By.id("auditEvents"), "certificates/write")).contains("admin").contains("Succeeded")
                .doesNotContain("integrationAccounts/write");
        shot("5-certificate-details");
        // Validation now: the partner's self-signed certificate is trusted only once it is a trust anchor.
        assertThat(clickThrough(By.id("validation:validate"), By.id("validationOutcome"), "Not valid"))
                .startsWith("Not valid");
        assertThat(waitFor(By.id("validation:checks"), "NoTrustAnchor")).contains("NoTrustAnchor");
        assertThat(clickThrough(By.id("validation:trust"), By.id("trustAnchor"), "yes")).startsWith("yes");
        assertThat(clickThrough(By.id("validation:validate"), By.id("validationOutcome"), "Valid"))
                .startsWith("Valid");
        shot("5-certificate-validation");
        clickThrough(By.id("actions:delete"), By.id("actions"), "Delete certificate");
        clickThrough(By.id("actions:confirmDelete"), By.tagName("main"), "'fabrikam' deleted");
        assertThat(waitFor(By.id("certificates:table"), "contoso")).doesNotContain("fabrikam");

        // The private certificate says which key version it uses; the key's versions say who uses each.
        String inUse = clickThrough(By.linkText("contoso"), By.id("keyInUse"), "version ");
        clickThrough(By.linkText("Vault keys"), By.tagName("h1"), "Vault keys");
        assertThat(clickThrough(By.linkText("portal-contoso-key"), By.id("versionTable"), "portal-contoso/contoso"))
                .contains(inUse.substring("version ".length()));
        shot("6-vault-key-versions");

        // Renewal in one step: a new key version, a certificate like this one, taking over in 7 days.
        openCertificates("portal-contoso");
        clickThrough(By.linkText("contoso"), By.id("keyInUse"), "version ");
        assertThat(clickThrough(By.id("actions:renew"), By.id("globalMessages"), "takes over"))
                .contains("from 'contoso'");
        assertThat(waitFor(By.id("rollover"), "takes over on")).startsWith("'contoso-");
        shot("5-certificate-renewed");

        // The Expiring page lists what expires soonest across the accounts, with the expired one first.
        assertThat(clickThrough(By.linkText("Expiring"), By.id("expiring"), "old-partner")).contains("portal-contoso")
                .contains("Expired");
        shot("7-expiring");

        // 8. Deleting the account asks first and says how many certificates go with it.
        clickThrough(By.linkText("Integration accounts"), By.tagName("h1"), "Integration accounts");
        assertThat(clickThrough(By.cssSelector("input[title='Delete portal-contoso']"), By.id("confirm"),
                "portal-contoso")).contains("5 certificate(s)");
        shot("1-integration-accounts-confirm-delete");
        assertThat(clickThrough(By.id("confirm:confirmDelete"), By.id("globalMessages"), "deleted"))
                .contains("'portal-contoso' and its 5 certificate(s) deleted");
        assertThat(browser.findElements(By.id("confirm"))).isEmpty();
    }

    @Test
    void partnersAndAnAgreementInThePortalsStepsAndWhatItUsesStays() throws Exception {
        createAccount("portal-trading");
        KeyPair ours = TestCertificates.rsa(2048);
        clickThrough(By.linkText("Vault keys"), By.tagName("h1"), "Vault keys");
        type(By.id("import:importName"), "portal-trading-key");
        type(By.id("import:keyFile"), write("trading.key", TestCertificates.pkcs8Pem(ours.getPrivate())).toString());
        clickThrough(By.id("import:importButton"), By.id("keys"), "portal-trading-key");
        X509Certificate partner = TestCertificates.selfSigned(TestCertificates.rsa(2048), "fabrikam");
        Path partnerFile = files.resolve("trading-fabrikam.cer");
        Files.write(partnerFile, partner.getEncoded());
        openAddCertificate("portal-trading");
        type(By.id("add:name"), "fabrikam");
        type(By.id("add:file"), partnerFile.toString());
        clickThrough(By.id("add:ok"), By.tagName("main"), "'fabrikam' added");
        addPrivate("portal-trading", "contoso", write("trading-contoso.pem", TestCertificates.pem(
                TestCertificates.selfSigned(ours, "contoso"))), "portal-trading-key", By.tagName("main"),
                "'contoso' added");

        // 1. Partners, from the account's tile: ourselves and the guest, by their business identities.
        open("account.xhtml?name=portal-trading", "portal-trading");
        clickThrough(By.id("partners"), By.tagName("h1"), "Partners");
        for (String[] p : new String[][] {{"contoso", "AS2Identity: Contoso"},
                {"fabrikam", "AS2Identity: Fabrikam\nZZ: FABRIKAM"}}) {
            type(By.id("partner:name"), p[0]);
            element(By.id("partner:identities")).clear();
            type(By.id("partner:identities"), p[1]);
            clickThrough(By.id("partner:save"), By.id("globalMessages"), "'" + p[0] + "' added");
        }
        assertThat(waitFor(By.id("partners:list"), "fabrikam")).contains("AS2Identity: Fabrikam")
                .contains("ZZ: FABRIKAM");
        // An identity another partner has is refused next to the identities.
        type(By.id("partner:name"), "impostor");
        element(By.id("partner:identities")).clear();
        type(By.id("partner:identities"), "AS2Identity: Fabrikam");
        assertThat(clickThrough(By.id("partner:save"), By.id("partner"), "belongs to partner"))
                .contains("belongs to partner 'fabrikam'");
        shot("7-partners");

        // 2. An AS2 agreement: host and guest with their identities, then Receive and Send Settings.
        open("account.xhtml?name=portal-trading", "portal-trading");
        clickThrough(By.id("agreements"), By.tagName("h1"), "Agreements");
        type(By.id("agreement:name"), "contoso-fabrikam");
        select(By.id("agreement:hostPartner"), "contoso");
        select(By.id("agreement:hostIdentity"), "Contoso");
        select(By.id("agreement:guestPartner"), "fabrikam");
        select(By.id("agreement:guestIdentity"), "Fabrikam");
        select(By.id("agreement:verificationCertificate"), "fabrikam");
        select(By.id("agreement:decryptionCertificate"), "contoso");
        select(By.id("agreement:signingAlgorithm"), "SHA2384");
        select(By.id("agreement:signingCertificate"), "contoso");
        select(By.id("agreement:encryptionCertificate"), "fabrikam");
        // Only private certificates are offered for what signs and decrypts.
        assertThat(new Select(element(By.id("agreement:signingCertificate"))).getOptions())
                .extracting(WebElement::getText).containsExactly("None", "contoso");
        // The guest's AS2 server is down here: what Certvault sends it fails after its retries.
        int down;
        try (var socket = new java.net.ServerSocket(0)) {
            down = socket.getLocalPort();
        }
        type(By.id("agreement:partnerUrl"), "http://127.0.0.1:" + down + "/as2");
        shot("8-add-agreement");
        assertThat(clickThrough(By.id("agreement:save"), By.id("agreements:list"), "contoso-fabrikam"))
                .contains("signed SHA2384, encrypted AES256");
        shot("8-agreements");
        open("account.xhtml?name=portal-trading", "portal-trading");
        assertThat(element(By.id("agreementCount")).getText()).isEqualTo("1");
        assertThat(element(By.id("partnerCount")).getText()).isEqualTo("2");

        // 2b. The Messages page: a message Fabrikam posted unsigned (refused, its MDN saying why) and one sent to
        // Fabrikam's server that is down (Failed after its retries, then resent from the page).
        var http = java.net.http.HttpClient.newHttpClient();
        var posted = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(page("as2/portal-trading")))
                .header("AS2-From", "Fabrikam").header("AS2-To", "Contoso").header("Message-ID", "<portal-1@fabrikam>")
                .header("Disposition-Notification-To", "as2@fabrikam.example").header("Content-Type", "text/plain")
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("unsigned")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(posted.body()).contains("insufficient-message-security");
        String basic = java.util.Base64.getEncoder().encodeToString(("admin:"
                + System.getProperty("certvault.it.admin-password")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var sent = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(page(
                "api/integrationAccounts/portal-trading/agreements/contoso-fabrikam/send")))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/edi-x12")
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("ISA*00*~")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        clickThrough(By.id("messages"), By.tagName("h1"), "AS2 messages");
        assertThat(waitFor(By.id("list"), "<portal-1@fabrikam>")).contains("Inbound").contains("Outbound");
        select(By.id("filter:direction"), "Inbound");
        submit(By.id("filter:apply"));
        assertThat(browser.getCurrentUrl()).contains("direction=Inbound");
        assertThat(waitFor(By.id("list"), "<portal-1@fabrikam>")).doesNotContain("Outbound");
        clickThrough(By.linkText("<portal-1@fabrikam>"), By.id("detailError"), "InsufficientMessageSecurity");
        assertThat(element(By.id("detailMdn")).getText()).contains("insufficient-message-security");
        // Refused, it kept no payload; nor its MDN, which the agreement does not keep as evidence: nothing to download.
        assertThat(browser.findElements(By.id("message:downloadPayload"))).isEmpty();
        assertThat(browser.findElements(By.id("message:downloadMdn"))).isEmpty();
        shot("9-message");
        String outbound = "messages.xhtml?account=portal-trading&direction=Outbound";
        waitUntil(driver -> {
            driver.get(page(outbound + "&status=Failed"));
            return driver.findElements(By.cssSelector("#list a")).isEmpty() ? null : true;
        });
        submit(By.cssSelector("#list a"));
        assertThat(waitFor(By.id("detailError"), "PartnerUnreachable")).contains("No attempts are left");
        assertThat(element(By.id("detailAttempts")).getText()).startsWith("3");
        // Failed, it keeps the message as it was sent (for a resend), so it can be downloaded.
        assertThat(browser.findElements(By.id("message:downloadRaw"))).hasSize(1);
        assertThat(clickThrough(By.id("message:resend"), By.id("globalMessages"), "queued to be sent again"))
                .contains("queued to be sent again");
        shot("9-messages-resent");

        // 3. The certificate says which agreements use it, and cannot be deleted while one does.
        openCertificates("portal-trading");
        assertThat(clickThrough(By.linkText("fabrikam"), By.id("usedBy"), "contoso-fabrikam"))
                .isEqualTo("contoso-fabrikam");
        assertThat(clickThrough(By.id("actions:delete"), By.id("actions"), "Delete certificate"))
                .contains("contoso-fabrikam");
        assertThat(clickThrough(By.id("actions:confirmDelete"), By.id("globalMessages"), "used by"))
                .contains("is used by agreement 'contoso-fabrikam'");
        assertThat(element(By.id("thumbprint")).getText()).isEqualTo(thumbprint(partner));
        shot("9-certificate-in-use");

        // 4. Nor can a partner in it; the agreement itself can go, after confirmation.
        open("partners.xhtml?account=portal-trading", "Partners");
        assertThat(clickThrough(By.cssSelector("input[title='Delete fabrikam']"), By.id("partners:confirm"),
                "contoso-fabrikam")).contains("delete them first");
        assertThat(clickThrough(By.id("partners:confirmDelete"), By.id("globalMessages"), "is in agreement"))
                .contains("'contoso-fabrikam'");
        open("agreements.xhtml?account=portal-trading", "Agreements");
        clickThrough(By.cssSelector("input[title='Delete contoso-fabrikam']"), By.id("agreements:confirm"),
                "contoso-fabrikam");
        clickThrough(By.id("agreements:confirmDelete"), By.id("globalMessages"), "'contoso-fabrikam' deleted");
        open("partners.xhtml?account=portal-trading", "Partners");
        clickThrough(By.cssSelector("input[title='Delete fabrikam']"), By.id("partners:confirm"), "fabrikam");
        clickThrough(By.id("partners:confirmDelete"), By.id("globalMessages"), "'fabrikam' deleted");
    }

    @Test
    void theUploadLimitIsSaidPlainly() throws Exception {
        createAccount("portal-limits");
        Path big = files.resolve("big.cer");
        Files.write(big, new byte[1024 * 1024 + 10]);
        openAddCertificate("portal-limits");
        type(By.id("add:name"), "too-big");
        type(By.id("add:file"), big.toString());
        assertThat(clickThrough(By.id("add:ok"), By.id("add"), "larger than 1 MiB")).contains("larger than 1 MiB");

        element(By.id("add:name")).clear();
        type(By.id("add:name"), "bad name!");
        type(By.id("add:file"), write("x.pem", "not a certificate").toString());
        assertThat(clickThrough(By.id("add:ok"), By.id("add"), "is invalid")).contains("name 'bad name!' is invalid")
                .contains("not a DER-encoded X.509 certificate");
    }

    private void createAccount(String name) {
        open("accounts.xhtml", "Integration accounts");
        type(By.id("create:name"), name);
        clickThrough(By.id("create:createButton"), By.tagName("h1"), name);
    }

    private void openCertificates(String account) {
        open("account.xhtml?name=" + account, account);
        clickThrough(By.id("certificates"), By.tagName("h1"), "Certificates");
    }

    private void openAddCertificate(String account) {
        openCertificates(account);
        clickThrough(By.id("add"), By.tagName("h1"), "Add certificate");
    }

    /** Fills in the form for a private certificate, sends it, and waits until the element shows the text. */
    private String addPrivate(String name, Path file, String key, By shows, String text) {
        return addPrivate("portal-contoso", name, file, key, shows, text);
    }

    private String addPrivate(String account, String name, Path file, String key, By shows, String text) {
        openAddCertificate(account);
        type(By.id("add:name"), name);
        select(By.id("add:type"), "private");
        // The vault's keys arrive by Ajax once the type is Private.
        waitUntil(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#add\\:key option[value='" + key + "']")));
        select(By.id("add:key"), key);
        type(By.id("add:file"), file.toString());
        return clickThrough(By.id("add:ok"), shows, text);
    }

    // ---- steps that wait: each waits for what the page must show, never for a fixed time -------------

    private static <T> T waitUntil(java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, Duration.ofSeconds(15))
                .ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class)
                .until(condition);
    }

    /** Opens a page and waits until its heading shows the text. */
    private void open(String path, String heading) {
        browser.get(page(path));
        waitFor(By.tagName("h1"), heading);
    }

    /** The element, once the page has it. */
    private static WebElement element(By locator) {
        return waitUntil(ExpectedConditions.presenceOfElementLocated(locator));
    }

    private static void type(By field, String text) {
        element(field).sendKeys(text);
    }

    /** Picks an option of a select, re-finding it if an Ajax update replaced it meanwhile. */
    private static void select(By field, String value) {
        waitUntil(driver -> {
            new Select(driver.findElement(field)).selectByValue(value);
            return true;
        });
    }

    /** Clicks what loads a page (a link, a submit button) and waits until the page it was on is gone. */
    private static void submit(By target) {
        WebElement before = browser.findElement(By.tagName("html"));
        waitUntil(ExpectedConditions.elementToBeClickable(target)).click();
        waitUntil(driver -> gone(before));
    }

    /**
     * Whether the element left the page. Chromium says so either as a stale element or, when it asks about a node
     * of a document already replaced, as "does not belong to the document".
     */
    private static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    /** {@link #submit}, then waits until the element on the new page shows the text, and returns all its text. */
    private static String clickThrough(By target, By shows, String text) {
        submit(target);
        return waitFor(shows, text);
    }

    /** Waits until the element shows the text, and returns all its text as it was then. */
    private static String waitFor(By locator, String text) {
        return waitUntil(driver -> {
            String shown = driver.findElement(locator).getText();
            return shown.contains(text) ? shown : null;
        });
    }

    private static Path write(String name, String content) throws Exception {
        return Files.writeString(files.resolve(name), content);
    }

    private static String thumbprint(X509Certificate certificate) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
    }

    /** Saves a screenshot, and checks that the Content-Security-Policy had nothing to block on the way. */
    private static void shot(String name) throws Exception {
        Files.write(screenshots.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).extracting(LogEntry::getMessage)
                .noneMatch(message -> message.contains("Content Security Policy"));
    }
}
