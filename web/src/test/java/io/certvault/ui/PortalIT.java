package io.certvault.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.testing.TestCertificates;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
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
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(2));
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
        signIn("admin", System.getProperty("certvault.it.admin-password"));
        assertThat(waitFor(By.className("user"), "admin")).isEqualTo("admin");
    }

    private void signIn(String user, String password) {
        browser.manage().deleteAllCookies();
        browser.get(page("accounts.xhtml"));
        // Not signed in: every page leads to the sign-in form.
        assertThat(browser.getCurrentUrl()).contains("login.xhtml");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("signIn")).click();
    }

    @Test
    void signInSignOutAndAReaderSeesNoChangeButtons() throws Exception {
        createAccount("portal-readable");
        // The admin adds a user and gives it the reader role on the Users and roles page.
        browser.findElement(By.linkText("Users and roles")).click();
        browser.findElement(By.id("user:name")).sendKeys("portal-reader");
        browser.findElement(By.id("user:password")).sendKeys("reader-password-1");
        browser.findElement(By.id("user:saveUser")).click();
        assertThat(waitFor(By.id("users:list"), "portal-reader")).contains("portal-reader");
        browser.findElement(By.id("assign:principal")).sendKeys("portal-reader");
        new Select(browser.findElement(By.id("assign:role"))).selectByValue("reader");
        browser.findElement(By.id("assign:assignButton")).click();
        assertThat(waitFor(By.id("assignments:list"), "portal-reader")).contains("reader");
        shot("9-users-and-roles");

        // Sign out: the session ends, and pages lead back to the form.
        browser.findElement(By.id("signOut")).click();
        assertThat(waitFor(By.tagName("main"), "You are signed out")).contains("You are signed out");
        browser.get(page("account.xhtml?name=portal-readable"));
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
        assertThat(browser.findElement(By.id("accounts:list")).getText()).contains("portal-readable");
        assertThat(browser.findElements(By.id("create:createButton"))).isEmpty();
        assertThat(browser.findElement(By.id("accounts:list")).findElements(By.cssSelector("input[value='Delete']")))
                .isEmpty();
        openCertificates("portal-readable");
        assertThat(browser.findElements(By.id("add"))).isEmpty();
        browser.findElement(By.linkText("Vault keys")).click();
        assertThat(browser.findElements(By.id("import:importButton"))).isEmpty();
        assertThat(browser.findElements(By.id("create:createButton"))).isEmpty();
        assertThat(browser.findElements(By.linkText("Users and roles"))).isEmpty();
        shot("7-reader-view");

        // Any user changes their own password (the user name in the header leads there), then signs in anew.
        browser.findElement(By.className("user")).click();
        browser.findElement(By.id("password:current")).sendKeys("reader-password-1");
        browser.findElement(By.id("password:next")).sendKeys("reader-password-2");
        browser.findElement(By.id("password:repeated")).sendKeys("reader-password-2");
        shot("8-change-password");
        browser.findElement(By.id("password:change")).click();
        waitFor(By.tagName("main"), "sign in with the new one");
        signIn("portal-reader", "reader-password-2");
        waitFor(By.className("user"), "portal-reader");
        browser.findElement(By.id("signOut")).click();
        waitFor(By.tagName("main"), "You are signed out");
    }

    @Test
    void theCertificateFlowOfThePortal() throws Exception {
        // 1. Integration accounts: create one.
        browser.get(page("accounts.xhtml"));
        browser.findElement(By.id("create:name")).sendKeys("portal-contoso");
        browser.findElement(By.id("create:location")).sendKeys("on-premises");
        browser.findElement(By.id("create:createButton")).click();
        assertThat(waitFor(By.tagName("h1"), "portal-contoso")).isEqualTo("portal-contoso");
        assertThat(browser.findElement(By.id("auditEvents")).getText()).contains("integrationAccounts/write")
                .contains("admin");
        shot("2-account-overview");

        browser.get(page("accounts.xhtml"));
        browser.findElement(By.id("accounts:filter")).sendKeys("portal");
        browser.findElement(By.id("accounts:applyFilter")).click();
        assertThat(browser.findElement(By.id("accounts:list")).getText()).contains("portal-contoso");
        shot("1-integration-accounts");

        // 2. A key in the vault, imported from a PEM file.
        KeyPair ours = TestCertificates.rsa(2048);
        Path keyFile = write("contoso.key", TestCertificates.pkcs8Pem(ours.getPrivate()));
        browser.findElement(By.linkText("Vault keys")).click();
        browser.findElement(By.id("import:importName")).sendKeys("portal-contoso-key");
        browser.findElement(By.id("import:keyFile")).sendKeys(keyFile.toString());
        browser.findElement(By.id("import:importButton")).click();
        assertThat(waitFor(By.id("keys"), "portal-contoso-key")).contains("RSA 2048");
        assertThat(browser.getPageSource()).doesNotContain(TestCertificates.pkcs8Pem(ours.getPrivate()).substring(40, 100));
        browser.findElement(By.id("create:createName")).sendKeys("portal-made-here");
        new Select(browser.findElement(By.id("create:spec"))).selectByValue("EC_P256");
        browser.findElement(By.id("create:createButton")).click();
        assertThat(waitFor(By.id("keys"), "portal-made-here")).contains("EC 256");
        shot("6-vault-keys");

        // 3. A partner's public certificate from a .cer (DER) file.
        X509Certificate partner = TestCertificates.selfSigned(TestCertificates.rsa(2048), "fabrikam");
        Path partnerFile = files.resolve("fabrikam.cer");
        Files.write(partnerFile, partner.getEncoded());
        openCertificates("portal-contoso");
        browser.findElement(By.id("add")).click();
        browser.findElement(By.id("add:name")).sendKeys("fabrikam");
        browser.findElement(By.id("add:file")).sendKeys(partnerFile.toString());
        shot("4-add-certificate");
        browser.findElement(By.id("add:ok")).click();
        assertThat(waitFor(By.tagName("main"), "'fabrikam' added")).contains("Public").contains(thumbprint(partner));

        // 4. Our private certificate: type Private, vault, key (listed by Ajax), PEM file.
        X509Certificate contoso = TestCertificates.selfSigned(ours, "contoso");
        Path contosoFile = write("contoso.pem", TestCertificates.pem(contoso));
        addPrivate("contoso", contosoFile, "portal-contoso-key");
        assertThat(waitFor(By.tagName("main"), "'contoso' added")).contains("Private").contains(thumbprint(contoso))
                .contains("default/portal-contoso-key");

        // 5. A certificate that is not the key's: the error stands next to the key, the form keeps the name.
        Path wrongFile = write("wrong.pem", TestCertificates.pem(partner));
        addPrivate("mismatch", wrongFile, "portal-contoso-key");
        assertThat(waitFor(By.id("add"), "does not match key")).contains("does not match key 'portal-contoso-key'");
        assertThat(browser.findElement(By.id("add:name")).getAttribute("value")).isEqualTo("mismatch");
        shot("4-add-certificate-key-mismatch");

        // A name that is taken is refused next to the name.
        addPrivate("contoso", contosoFile, "portal-contoso-key");
        assertThat(waitFor(By.id("add"), "exists already")).contains("'contoso' exists already");

        // 6. An expired certificate gets its badge.
        Instant now = Instant.now();
        X509Certificate expired = TestCertificates.selfSigned(TestCertificates.rsa(2048), "old-partner",
                now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(2)));
        Path expiredFile = files.resolve("old.cer");
        Files.write(expiredFile, expired.getEncoded());
        openCertificates("portal-contoso");
        browser.findElement(By.id("add")).click();
        browser.findElement(By.id("add:name")).sendKeys("old-partner");
        browser.findElement(By.id("add:file")).sendKeys(expiredFile.toString());
        browser.findElement(By.id("add:ok")).click();
        waitFor(By.tagName("main"), "'old-partner' added");
        assertThat(browser.findElement(By.cssSelector(".badge.expired")).getText()).isEqualTo("Expired");
        shot("3-certificates");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(420, 900));
        shot("3-certificates-narrow");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));

        // 7. Details, then delete after confirmation.
        browser.findElement(By.linkText("fabrikam")).click();
        assertThat(browser.findElement(By.id("thumbprint")).getText()).isEqualTo(thumbprint(partner));
        assertThat(browser.findElement(By.id("pem")).getAttribute("value")).startsWith("-----BEGIN CERTIFICATE-----");
        // The certificate's audit events: who added it, from where.
        assertThat(browser.findElement(By.id("auditEvents")).getText()).contains("certificates/write")
                .contains("admin").contains("Succeeded").doesNotContain("integrationAccounts/write");
        shot("5-certificate-details");
        browser.findElement(By.id("actions:delete")).click();
        browser.findElement(By.id("actions:confirmDelete")).click();
        waitFor(By.tagName("main"), "'fabrikam' deleted");
        assertThat(browser.findElement(By.id("certificates:table")).getText()).doesNotContain("fabrikam")
                .contains("contoso");

        // 8. Deleting the account asks first and says how many certificates go with it.
        browser.findElement(By.linkText("Integration accounts")).click();
        browser.findElement(By.cssSelector("input[title='Delete portal-contoso']")).click();
        assertThat(waitFor(By.id("confirm"), "portal-contoso"))
                .contains("2 certificate(s)");
        shot("1-integration-accounts-confirm-delete");
        browser.findElement(By.id("confirm:confirmDelete")).click();
        assertThat(waitFor(By.id("globalMessages"), "deleted"))
                .contains("'portal-contoso' and its 2 certificate(s) deleted");
        assertThat(browser.findElements(By.id("confirm"))).isEmpty();
    }

    @Test
    void theUploadLimitIsSaidPlainly() throws Exception {
        createAccount("portal-limits");
        Path big = files.resolve("big.cer");
        Files.write(big, new byte[1024 * 1024 + 10]);
        openCertificates("portal-limits");
        browser.findElement(By.id("add")).click();
        browser.findElement(By.id("add:name")).sendKeys("too-big");
        browser.findElement(By.id("add:file")).sendKeys(big.toString());
        browser.findElement(By.id("add:ok")).click();
        assertThat(waitFor(By.id("add"), "larger than 1 MiB")).contains("larger than 1 MiB");

        browser.findElement(By.id("add:name")).clear();
        browser.findElement(By.id("add:name")).sendKeys("bad name!");
        browser.findElement(By.id("add:file")).sendKeys(write("x.pem", "not a certificate").toString());
        browser.findElement(By.id("add:ok")).click();
        assertThat(waitFor(By.id("add"), "is invalid")).contains("name 'bad name!' is invalid")
                .contains("not a DER-encoded X.509 certificate");
    }

    private void createAccount(String name) {
        browser.get(page("accounts.xhtml"));
        browser.findElement(By.id("create:name")).sendKeys(name);
        browser.findElement(By.id("create:createButton")).click();
        waitFor(By.tagName("h1"), name);
    }

    private void openCertificates(String account) {
        browser.get(page("account.xhtml?name=" + account));
        browser.findElement(By.id("certificates")).click();
    }

    private void addPrivate(String name, Path file, String key) {
        openCertificates("portal-contoso");
        browser.findElement(By.id("add")).click();
        browser.findElement(By.id("add:name")).sendKeys(name);
        new Select(browser.findElement(By.id("add:type"))).selectByValue("private");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#add\\:key option[value='" + key + "']")));
        new Select(browser.findElement(By.id("add:key"))).selectByValue(key);
        browser.findElement(By.id("add:file")).sendKeys(file.toString());
        browser.findElement(By.id("add:ok")).click();
    }

    /** Waits until the element shows the text (pages reload after each submit), and returns all its text. */
    private static String waitFor(By locator, String text) {
        new WebDriverWait(browser, Duration.ofSeconds(15)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
        return browser.findElement(locator).getText();
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
