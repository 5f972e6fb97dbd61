package io.certvault.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.testing.KeyLeaks;
import io.certvault.testing.OpenSsl;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.azure.KeyVaultSimulator;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The REST API on a real Payara Micro with the built WAR, its embedded H2 database, the default filesystem
 * vault and an Azure vault served by the Key Vault simulator. One class, so one server start; each test
 * names its own resources.
 */
@ExtendWith({KeyVaultSimulatorExtension.class, ArquillianExtension.class})
class CertvaultApiIT {
    /** Private keys sent to the server: none of their secret parts may come back or land on disk in clear. */
    private static final List<KeyPair> IMPORTED = new ArrayList<>();
    private static final List<String> RESPONSES = new ArrayList<>();

    @ArquillianResource
    private URL deploymentUrl;
    private ApiClient api;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("certvault.war")));
    }

    @BeforeEach
    void client() throws Exception {
        // Arquillian names the first non-loopback address; the server listens on all of them.
        URI base = new URI("http", null, "127.0.0.1", deploymentUrl.getPort(), deploymentUrl.getPath(), null, null);
        api = ApiClient.admin(base.resolve("api/"));
    }

    @AfterAll
    static void noResponseCarriedPrivateKeyMaterial() {
        assertThat(RESPONSES).isNotEmpty();
        for (KeyPair pair : IMPORTED) {
            for (String body : RESPONSES) {
                assertThat(KeyLeaks.inText(body, pair)).as(body).isFalse();
            }
        }
    }

    @AfterAll
    static void noPrivateKeyMaterialInTheDataDirectory() throws Exception {
        Path data = Path.of(System.getProperty("certvault.it.data"));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(data)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            for (KeyPair pair : IMPORTED) {
                assertThat(KeyLeaks.inBytes(content, pair)).as(file.toString()).isFalse();
            }
        }
    }

    // ---- integration accounts -------------------------------------------------------------------

    @Test
    void accountLifecycle() {
        var created = record(api.put("integrationAccounts/lifecycle?api-version=2019-05-01",
                Json.createObjectBuilder().add("location", "on-premises").add("sku", Json.createObjectBuilder()
                        .add("name", "Standard")).add("tags", Json.createObjectBuilder().add("team", "edi")).build()));
        assertThat(created.status()).isEqualTo(201);
        JsonObject body = created.json();
        assertThat(body.getString("id")).isEqualTo("/integrationAccounts/lifecycle");
        assertThat(body.getString("name")).isEqualTo("lifecycle");
        assertThat(body.getString("type")).isEqualTo("Microsoft.Logic/integrationAccounts");
        assertThat(body.getString("location")).isEqualTo("on-premises");
        assertThat(body.getJsonObject("sku").getString("name")).isEqualTo("Standard");
        assertThat(body.getJsonObject("tags").getString("team")).isEqualTo("edi");
        String createdTime = body.getJsonObject("properties").getString("createdTime");

        var updated = record(api.put("integrationAccounts/lifecycle", Json.createObjectBuilder()
                .add("location", "dc-2").build()));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().getString("location")).isEqualTo("dc-2");
        assertThat(updated.json().getJsonObject("properties").getString("createdTime")).isEqualTo(createdTime);

        assertThat(record(api.get("integrationAccounts/lifecycle")).json().getString("location")).isEqualTo("dc-2");
        assertThat(record(api.get("integrationAccounts?api-version=2019-05-01")).json().getJsonArray("value")
                .getValuesAs(JsonObject.class)).extracting(o -> o.getString("name")).contains("lifecycle");

        assertThat(api.delete("integrationAccounts/lifecycle").status()).isEqualTo(200);
        assertError(api.get("integrationAccounts/lifecycle"), 404, "IntegrationAccountNotFound");
        assertThat(api.delete("integrationAccounts/lifecycle").status()).isEqualTo(204);
    }

    @Test
    void deletingAnAccountDeletesItsCertificates() {
        createAccount("doomed");
        String cert = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "partner"));
        assertThat(putCertificate("doomed", "partner", cert, null).status()).isEqualTo(201);

        assertThat(api.delete("integrationAccounts/doomed").status()).isEqualTo(200);
        createAccount("doomed");

        assertThat(api.get("integrationAccounts/doomed/certificates").json().getJsonArray("value")).isEmpty();
        assertError(api.get("integrationAccounts/doomed/certificates/partner"), 404, "CertificateNotFound");
    }

    @Test
    void listsPageWithNextLink() {
        for (int i = 0; i < 5; i++) {
            createAccount("paged-" + i);
        }
        List<String> seen = new ArrayList<>();
        var page = record(api.get("integrationAccounts?$top=2&api-version=2019-05-01"));
        int pages = 0;
        while (true) {
            assertThat(page.status()).isEqualTo(200);
            pages++;
            JsonObject body = page.json();
            assertThat(body.getJsonArray("value").size()).isLessThanOrEqualTo(2);
            body.getJsonArray("value").getValuesAs(JsonObject.class).forEach(o -> seen.add(o.getString("name")));
            if (!body.containsKey("nextLink")) {
                break;
            }
            assertThat(body.getString("nextLink")).contains("skiptoken=").contains("api-version=2019-05-01");
            page = api.getAbsolute(body.getString("nextLink"));
        }
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(seen).isSorted().doesNotHaveDuplicates()
                .contains("paged-0", "paged-1", "paged-2", "paged-3", "paged-4");
    }

    // ---- partners -------------------------------------------------------------------------------

    private static String partnerBody(String... qualifierValuePairs) {
        var identities = Json.createArrayBuilder();
        for (int i = 0; i < qualifierValuePairs.length; i += 2) {
            identities.add(Json.createObjectBuilder().add("qualifier", qualifierValuePairs[i])
                    .add("value", qualifierValuePairs[i + 1]));
        }
        return Json.createObjectBuilder().add("properties", Json.createObjectBuilder().add("partnerType", "B2B")
                .add("content", Json.createObjectBuilder().add("b2b", Json.createObjectBuilder()
                        .add("businessIdentities", identities)))
                .add("metadata", Json.createObjectBuilder().add("contact", "edi@fabrikam.example"))).build().toString();
    }

    @Test
    void partnersAreKnownByTheirBusinessIdentitiesEachOfWhichNamesOnePartner() {
        createAccount("trading");
        String base = "integrationAccounts/trading/partners/";
        var created = record(api.put(base + "fabrikam", partnerBody("AS2Identity", "Fabrikam AS2", "ZZ", "FABRIKAM")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonObject body = created.json();
        assertThat(body.getString("id")).isEqualTo("/integrationAccounts/trading/partners/fabrikam");
        assertThat(body.getString("type")).isEqualTo("Microsoft.Logic/integrationAccounts/partners");
        JsonObject properties = body.getJsonObject("properties");
        assertThat(properties.getString("partnerType")).isEqualTo("B2B");
        assertThat(properties.getJsonObject("metadata").getString("contact")).isEqualTo("edi@fabrikam.example");
        assertThat(properties.getJsonObject("content").getJsonObject("b2b").getJsonArray("businessIdentities")
                .getValuesAs(JsonObject.class)).extracting(i -> i.getString("qualifier") + "=" + i.getString("value"))
                .containsExactly("AS2Identity=Fabrikam AS2", "ZZ=FABRIKAM");
        assertThat(properties.getString("createdTime")).isNotBlank();

        // Replaced as a whole: the identities are those of the last PUT; partnerType left out is B2B.
        var replaced = record(api.put(base + "fabrikam", "{\"properties\": {\"content\": {\"b2b\": "
                + "{\"businessIdentities\": [{\"qualifier\": \"AS2Identity\", \"value\": \"FabrikamAS2\"}]}}}}"));
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(replaced.json().getJsonObject("properties").getString("partnerType")).isEqualTo("B2B");
        assertThat(record(api.get(base + "fabrikam")).json().getJsonObject("properties").getJsonObject("content")
                .getJsonObject("b2b").getJsonArray("businessIdentities")).hasSize(1);

        // An identity names one partner of the account: the answer says which.
        assertThat(record(api.put(base + "contoso", partnerBody("AS2Identity", "Contoso"))).status()).isEqualTo(201);
        var taken = record(api.put(base + "impostor", partnerBody("AS2Identity", "FabrikamAS2")));
        assertError(taken, 409, "BusinessIdentityInUse");
        assertThat(taken.errorMessage()).contains("'fabrikam'");
        assertError(api.get(base + "impostor"), 404, "PartnerNotFound");
        // The old identity is free again, another account may use the same one, the same qualifier is another thing.
        assertThat(record(api.put(base + "zz-holder", partnerBody("ZZ", "FABRIKAM"))).status()).isEqualTo(201);
        createAccount("trading-2");
        assertThat(record(api.put("integrationAccounts/trading-2/partners/fabrikam",
                partnerBody("AS2Identity", "FabrikamAS2"))).status()).isEqualTo(201);
        assertThat(record(api.put(base + "x12", partnerBody("01", "FabrikamAS2"))).status()).isEqualTo(201);

        // Every refusal names the JSON path of what is wrong.
        String[][] refused = {
                {partnerBody(), "properties.content.b2b.businessIdentities is required"},
                {"{}", "properties.content.b2b.businessIdentities is required"},
                {partnerBody("AS2Identity", "x".repeat(129)), "businessIdentities[0].value"},
                {partnerBody("AS2Identity", "caf\u00e9"), "businessIdentities[0].value is not an AS2 name"},
                {partnerBody("ZZ", "A", "ZZ", "A"), "businessIdentities[1] repeats"},
                {partnerBody("", "A"), "businessIdentities[0].qualifier is required"},
                {partnerBody("ZZ", " A"), "businessIdentities[0].value must be"},
                {"{\"properties\": {\"partnerType\": \"X12\", \"content\": {\"b2b\": {\"businessIdentities\": "
                        + "[{\"qualifier\": \"ZZ\", \"value\": \"A\"}]}}}}", "properties.partnerType"},
                {"{\"properties\": {\"content\": {\"b2b\": {\"businessIdentities\": {}}}}}",
                        "businessIdentities must be a JSON array"},
                {"{\"properties\": {\"content\": {\"b2b\": {\"businessIdentities\": [{\"qualifier\": 1}]}}}}",
                        "properties.content.b2b.businessIdentities[0].qualifier must be a JSON string"},
        };
        for (String[] refusal : refused) {
            var answer = record(api.put(base + "refused", refusal[0]));
            assertError(answer, 400, "InvalidRequestContent");
            assertThat(answer.errorMessage()).as(refusal[0]).contains(refusal[1]);
        }
        assertError(api.get(base + "refused"), 404, "PartnerNotFound");
        assertError(api.put("integrationAccounts/nowhere/partners/p", partnerBody("ZZ", "P")), 404,
                "IntegrationAccountNotFound");
        assertError(api.get("integrationAccounts/nowhere/partners"), 404, "IntegrationAccountNotFound");
        assertError(api.put(base + "bad%20name", partnerBody("ZZ", "P")), 400, "InvalidName");

        // Listed by name in pages; conditional requests as for the other resources.
        List<String> names = new ArrayList<>();
        var page = record(api.get(base.substring(0, base.length() - 1) + "?$top=2"));
        while (true) {
            page.json().getJsonArray("value").getValuesAs(JsonObject.class).forEach(o -> names.add(o.getString("name")));
            if (!page.json().containsKey("nextLink")) {
                break;
            }
            page = api.getAbsolute(page.json().getString("nextLink"));
        }
        assertThat(names).containsExactly("contoso", "fabrikam", "x12", "zz-holder");
        String etag = conditional("GET", base + "contoso", null, null, null).headers().firstValue("ETag").orElseThrow();
        assertThat(conditional("PUT", base + "contoso", partnerBody("AS2Identity", "Contoso2"), "If-Match", etag)
                .statusCode()).isEqualTo(200);
        assertThat(conditional("DELETE", base + "contoso", null, "If-Match", etag).statusCode()).isEqualTo(412);
        assertThat(conditional("PUT", base + "contoso", partnerBody("ZZ", "C"), "If-None-Match", "*").statusCode())
                .isEqualTo(412);

        assertThat(api.delete(base + "contoso").status()).isEqualTo(200);
        assertThat(api.delete(base + "contoso").status()).isEqualTo(204);
        assertThat(record(api.put(base + "contoso-again", partnerBody("AS2Identity", "Contoso2"))).status())
                .as("a deleted partner's identities are free").isEqualTo(201);

        // Changes and refusals are on record; deleting the account takes its partners with it.
        var writes = api.get("auditEvents?operation=partners/write&account=trading&$top=100").json()
                .getJsonArray("value").getValuesAs(JsonObject.class);
        assertThat(writes).extracting(e -> e.getJsonObject("properties").getString("outcome"))
                .contains("Succeeded", "Failed");
        assertThat(api.delete("integrationAccounts/trading").status()).isEqualTo(200);
        createAccount("trading");
        assertThat(api.get(base.substring(0, base.length() - 1)).json().getJsonArray("value")).isEmpty();
        assertThat(record(api.put(base + "fabrikam", partnerBody("AS2Identity", "FabrikamAS2"))).status())
                .isEqualTo(201);
    }

    @Test
    void concurrentPartnersClaimingOneIdentityGetItOnceAndIdentitiesMayBeReordered() throws Exception {
        createAccount("claims");
        String base = "integrationAccounts/claims/partners/";
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<java.net.http.HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String path = base + "claimant-" + i;
                replies.add(pool.submit(() -> {
                    start.await();
                    return conditional("PUT", path, partnerBody("AS2Identity", "Contested"), null, null);
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (var reply : replies) {
                var answer = reply.get();
                RESPONSES.add(answer.body());
                statuses.add(answer.statusCode());
                if (answer.statusCode() == 409) {
                    assertThat(answer.body()).contains("BusinessIdentityInUse");
                }
            }
            // The service's check and the database's constraint together: one partner has it, whatever the timing.
            assertThat(statuses).containsOnlyOnce(201).containsOnly(201, 409);
        } finally {
            pool.shutdownNow();
        }
        assertThat(api.get(base.substring(0, base.length() - 1)).json().getJsonArray("value")).hasSize(1);

        // Swapping two identities of one partner is no conflict with itself.
        assertThat(record(api.put(base + "two", partnerBody("ZZ", "A", "ZZ", "B"))).status()).isEqualTo(201);
        var swapped = record(api.put(base + "two", partnerBody("ZZ", "B", "ZZ", "A")));
        assertThat(swapped.status()).as(swapped.body()).isEqualTo(200);
        assertThat(record(api.get(base + "two")).json().getJsonObject("properties").getJsonObject("content")
                .getJsonObject("b2b").getJsonArray("businessIdentities").getValuesAs(JsonObject.class))
                .extracting(i -> i.getString("value")).containsExactly("B", "A");
    }

    // ---- agreements -------------------------------------------------------------------------------

    /** An AS2 agreement between two partners by their AS2 names, with the four certificates (null: none). */
    private static JsonObject agreementBody(String host, String hostName, String guest, String guestName,
            String sendSigning, String sendEncryption, String receiveVerification, String receiveDecryption) {
        JsonObject body = Json.createObjectBuilder().add("properties", Json.createObjectBuilder()
                .add("agreementType", "AS2").add("hostPartner", host).add("guestPartner", guest)
                .add("hostIdentity", Json.createObjectBuilder().add("qualifier", "AS2Identity").add("value", hostName))
                .add("guestIdentity", Json.createObjectBuilder().add("qualifier", "AS2Identity").add("value", guestName))
                .add("metadata", Json.createObjectBuilder().add("owner", "edi team"))).build();
        String send = "properties.content.aS2.sendAgreement.protocolSettings.securitySettings.";
        String receive = "properties.content.aS2.receiveAgreement.protocolSettings.securitySettings.";
        String[][] certificates = {{send + "signingCertificateName", sendSigning},
                {send + "encryptionCertificateName", sendEncryption},
                {receive + "signingCertificateName", receiveVerification},
                {receive + "encryptionCertificateName", receiveDecryption}};
        for (String[] certificate : certificates) {
            if (certificate[1] != null) {
                body = with(body, certificate[0], Json.createValue(certificate[1]));
            }
        }
        return body;
    }

    /** The object with the value at the dotted path, objects on the way made as needed. */
    private static JsonObject with(JsonObject object, String path, jakarta.json.JsonValue value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            return Json.createObjectBuilder(object).add(path, value).build();
        }
        String head = path.substring(0, dot);
        JsonObject inner = object.containsKey(head) ? object.getJsonObject(head) : JsonObject.EMPTY_JSON_OBJECT;
        return Json.createObjectBuilder(object).add(head, with(inner, path.substring(dot + 1), value)).build();
    }

    /** An account with partners contoso (us) and fabrikam, our private certificates rsa and ec, theirs public. */
    private void tradingAccount(String account) {
        messagingAccount(account);
        assertThat(putCertificate(account, "fabrikam", TestCertificates.base64(TestCertificates.selfSigned(
                TestCertificates.rsa(2048), "fabrikam")), null).status()).isEqualTo(201);
        String partners = "integrationAccounts/" + account + "/partners/";
        assertThat(record(api.put(partners + "contoso", partnerBody("AS2Identity", "Contoso", "ZZ", "CONTOSO")))
                .status()).isEqualTo(201);
        assertThat(record(api.put(partners + "fabrikam", partnerBody("AS2Identity", "Fabrikam"))).status())
                .isEqualTo(201);
    }

    @Test
    void agreementsAreAzuresWithItsDefaultsAndCheckedWhole() {
        tradingAccount("agreements");
        String base = "integrationAccounts/agreements/agreements/";
        JsonObject full = agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam", "rsa", "fabrikam", "fabrikam",
                "rsa");
        var created = record(api.put(base + "contoso-fabrikam", full));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonObject body = created.json();
        assertThat(body.getString("id")).isEqualTo("/integrationAccounts/agreements/agreements/contoso-fabrikam");
        assertThat(body.getString("type")).isEqualTo("Microsoft.Logic/integrationAccounts/agreements");
        assertThat(body.containsKey("warnings")).as("no certificate expires soon").isFalse();
        JsonObject properties = body.getJsonObject("properties");
        assertThat(properties.getString("hostPartner")).isEqualTo("contoso");
        assertThat(properties.getJsonObject("metadata").getString("owner")).isEqualTo("edi team");
        // What was left out has the portal's defaults, and the answer shows every setting.
        JsonObject send = properties.getJsonObject("content").getJsonObject("aS2").getJsonObject("sendAgreement");
        JsonObject receive = properties.getJsonObject("content").getJsonObject("aS2").getJsonObject("receiveAgreement");
        assertThat(send.getJsonObject("senderBusinessIdentity").getString("value")).isEqualTo("Contoso");
        assertThat(send.getJsonObject("receiverBusinessIdentity").getString("value")).isEqualTo("Fabrikam");
        assertThat(receive.getJsonObject("senderBusinessIdentity").getString("value")).isEqualTo("Fabrikam");
        JsonObject validation = send.getJsonObject("protocolSettings").getJsonObject("validationSettings");
        assertThat(validation.getBoolean("signMessage")).isTrue();
        assertThat(validation.getBoolean("encryptMessage")).isTrue();
        assertThat(validation.getBoolean("compressMessage")).isFalse();
        assertThat(validation.getString("signingAlgorithm")).isEqualTo("SHA2256");
        assertThat(validation.getString("encryptionAlgorithm")).isEqualTo("AES256");
        assertThat(validation.getInt("interchangeDuplicatesValidityDays")).isEqualTo(5);
        JsonObject mdn = send.getJsonObject("protocolSettings").getJsonObject("mdnSettings");
        assertThat(mdn.getBoolean("needMDN")).isTrue();
        assertThat(mdn.getBoolean("signMDN")).isTrue();
        assertThat(mdn.getString("micHashingAlgorithm")).isEqualTo("SHA2256");
        for (String group : List.of("messageConnectionSettings", "acknowledgementConnectionSettings", "mdnSettings",
                "securitySettings", "validationSettings", "envelopeSettings", "errorSettings")) {
            assertThat(receive.getJsonObject("protocolSettings").getJsonObject(group)).as(group).isNotEmpty();
        }
        assertThat(receive.getJsonObject("protocolSettings").getJsonObject("securitySettings")
                .getString("sha2AlgorithmFormat")).isEqualTo("ShaHyphenHashSize");
        assertThat(record(api.get(base + "contoso-fabrikam")).json().getJsonObject("properties"))
                .isEqualTo(properties);

        // What a request sets is kept; the identities may be spelled out if they are the right ones.
        String validationPath = "properties.content.aS2.sendAgreement.protocolSettings.validationSettings.";
        JsonObject tuned = with(with(with(full, validationPath + "signingAlgorithm", Json.createValue("SHA2512")),
                validationPath + "compressMessage", jakarta.json.JsonValue.TRUE),
                "properties.content.aS2.sendAgreement.senderBusinessIdentity",
                Json.createObjectBuilder().add("qualifier", "AS2Identity").add("value", "Contoso").build());
        var replaced = record(api.put(base + "contoso-fabrikam", tuned));
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        JsonObject kept = replaced.json().getJsonObject("properties").getJsonObject("content").getJsonObject("aS2")
                .getJsonObject("sendAgreement").getJsonObject("protocolSettings").getJsonObject("validationSettings");
        assertThat(kept.getString("signingAlgorithm")).isEqualTo("SHA2512");
        assertThat(kept.getBoolean("compressMessage")).isTrue();
        assertThat(kept.getBoolean("signMessage")).as("defaults stay for the rest").isTrue();

        // Each refusal names the JSON path of what is wrong, with a code for the kind of wrong.
        String sendAt = "properties.content.aS2.sendAgreement.";
        String receiveAt = "properties.content.aS2.receiveAgreement.";
        JsonObject unsigned = agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam", null, "fabrikam", "fabrikam",
                "rsa");
        Object[][] refused = {
                {with(full, "properties.agreementType", Json.createValue("X12")), "AgreementTypeNotSupported",
                        "properties.agreementType"},
                {with(full, "properties.agreementType", Json.createValue("Edifact")), "AgreementTypeNotSupported",
                        "properties.agreementType"},
                {with(full, "properties.agreementType", Json.createValue("AS3")), "InvalidRequestContent",
                        "properties.agreementType"},
                {Json.createObjectBuilder().build(), "InvalidRequestContent", "properties.agreementType is required"},
                {with(full, "properties.hostPartner", Json.createValue("northwind")), "InvalidRequestContent",
                        "properties.hostPartner names partner 'northwind'"},
                {with(full, "properties.guestPartner", Json.createValue("contoso")), "InvalidRequestContent",
                        "properties.guestPartner must be another partner"},
                {with(full, "properties.hostIdentity.value", Json.createValue("Fabrikam")), "InvalidRequestContent",
                        "properties.hostIdentity AS2Identity 'Fabrikam' is not a business identity of partner"},
                {with(with(full, "properties.hostIdentity.qualifier", Json.createValue("ZZ")),
                        "properties.hostIdentity.value", Json.createValue("CONTOSO")), "InvalidRequestContent",
                        "properties.hostIdentity.qualifier must be AS2Identity"},
                {with(full, sendAt + "receiverBusinessIdentity.value", Json.createValue("Contoso")),
                        "InvalidRequestContent", sendAt + "receiverBusinessIdentity must be the guest's"},
                {with(full, sendAt + "protocolSettings.mdnSettings.micHashingAlgorithm", Json.createValue("sha256")),
                        "InvalidRequestContent", sendAt + "protocolSettings.mdnSettings.micHashingAlgorithm must be"},
                {with(full, sendAt + "protocolSettings.validationSettings.encryptionAlgorithm",
                        Json.createValue("RC2")), "AlgorithmNotAllowed", "encryptionAlgorithm RC2 is not offered"},
                {with(full, receiveAt + "protocolSettings.validationSettings.signingAlgorithm",
                        Json.createValue("MD5")), "InvalidRequestContent",
                        receiveAt + "protocolSettings.validationSettings.signingAlgorithm"},
                {with(full, sendAt + "protocolSettings.validationSettings.interchangeDuplicatesValidityDays",
                        Json.createValue(0)), "InvalidRequestContent", "interchangeDuplicatesValidityDays"},
                {with(full, sendAt + "protocolSettings.validationSettings.signMessage", Json.createValue("yes")),
                        "InvalidRequestContent", sendAt + "protocolSettings.validationSettings.signMessage must be "
                        + "true or false"},
                {with(full, sendAt + "protocolSettings.mdnSettings.receiptDeliveryUrl",
                        Json.createValue("ftp://example.com/mdn")), "InvalidRequestContent", "receiptDeliveryUrl"},
                {with(full, sendAt + "protocolSettings.envelopeSettings.messageContentType",
                        Json.createValue("x12")), "InvalidRequestContent", "messageContentType"},
                {unsigned, "InvalidRequestContent",
                        sendAt + "protocolSettings.securitySettings.signingCertificateName is required"},
                {agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam", "fabrikam", "fabrikam", "fabrikam",
                        "rsa"), "CertificateNotPrivate", sendAt + "protocolSettings.securitySettings.signingCertificateName"},
                {agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam", "rsa", "fabrikam", "fabrikam",
                        "fabrikam"), "CertificateNotPrivate",
                        receiveAt + "protocolSettings.securitySettings.encryptionCertificateName"},
                {agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam", "rsa", "nobody", "fabrikam", "rsa"),
                        "InvalidRequestContent", "encryptionCertificateName names certificate 'nobody'"},
        };
        for (Object[] refusal : refused) {
            var answer = record(api.put(base + "refused", (JsonObject) refusal[0]));
            assertError(answer, 400, (String) refusal[1]);
            assertThat(answer.errorMessage()).as(refusal[0].toString()).contains((String) refusal[2]);
        }
        assertError(api.get(base + "refused"), 404, "AgreementNotFound");
        assertError(api.put("integrationAccounts/nowhere/agreements/a", full), 404, "IntegrationAccountNotFound");
        assertError(api.put(base + "bad%20name", full), 400, "InvalidName");

        // An agreement without security names no certificate; unsigned MDNs then, since nothing signs them.
        String none = "protocolSettings.validationSettings.";
        JsonObject plain = agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam", null, null, null, null);
        for (String side : List.of(sendAt, receiveAt)) {
            plain = with(with(with(plain, side + none + "signMessage", jakarta.json.JsonValue.FALSE),
                    side + none + "encryptMessage", jakarta.json.JsonValue.FALSE),
                    side + "protocolSettings.mdnSettings.signMDN", jakarta.json.JsonValue.FALSE);
        }
        assertError(api.put(base + "plain", plain), 409, "AgreementIdentitiesInUse");
        assertThat(api.delete(base + "contoso-fabrikam").status()).isEqualTo(200);
        var plainCreated = record(api.put(base + "plain", plain));
        assertThat(plainCreated.status()).as(plainCreated.body()).isEqualTo(201);
        JsonObject receiveMdn = with(plain, receiveAt + "protocolSettings.mdnSettings.signMDN",
                jakarta.json.JsonValue.TRUE);
        var unsignable = record(api.put(base + "plain", receiveMdn));
        assertError(unsignable, 400, "InvalidRequestContent");
        assertThat(unsignable.errorMessage()).contains(receiveAt + "protocolSettings.mdnSettings.signMDN needs");

        // A certificate that has expired is refused; one that expires soon is a warning in the answer.
        putExpiring("agreements", "expired", TestCertificates.rsa(2048), Instant.now().minus(java.time.Duration.ofDays(1)));
        putExpiring("agreements", "soon", TestCertificates.rsa(2048), Instant.now().plus(java.time.Duration.ofDays(3)));
        var expired = record(api.put(base + "plain", with(plain, receiveAt + "protocolSettings.securitySettings."
                + "signingCertificateName", Json.createValue("expired"))));
        assertError(expired, 400, "CertificateExpired");
        assertThat(expired.errorMessage()).contains(receiveAt + "protocolSettings.securitySettings.signingCertificateName");
        var soon = record(api.put(base + "plain", with(plain, receiveAt + "protocolSettings.securitySettings."
                + "signingCertificateName", Json.createValue("soon"))));
        assertThat(soon.status()).as(soon.body()).isEqualTo(200);
        assertThat(soon.json().getJsonArray("warnings").getString(0)).contains("'soon'").contains("expires");
    }

    @Test
    void whatAnAgreementUsesCannotGoAwayAndOnePairOfIdentitiesHasOneAgreement() {
        tradingAccount("in-use");
        String base = "integrationAccounts/in-use/";
        JsonObject agreement = agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam", "rsa", "fabrikam",
                "fabrikam", "ec");
        assertThat(record(api.put(base + "agreements/fabrikam", agreement)).status()).isEqualTo(201);

        // Another agreement between the same identities, or the same the other way round: a message would find two.
        assertError(api.put(base + "agreements/again", agreement), 409, "AgreementIdentitiesInUse");
        var reversed = record(api.put(base + "agreements/reversed", agreementBody("fabrikam", "Fabrikam", "contoso",
                "Contoso", "rsa", "fabrikam", "fabrikam", "ec")));
        assertError(reversed, 409, "AgreementIdentitiesInUse");
        assertThat(reversed.errorMessage()).contains("'fabrikam'");

        // Certificates and partners in use: 409 naming the agreement; replacing a certificate stays possible.
        for (String certificate : List.of("rsa", "ec", "fabrikam")) {
            var refused = record(api.delete(base + "certificates/" + certificate));
            assertError(refused, 409, "CertificateInUse");
            assertThat(refused.errorMessage()).contains("'fabrikam'");
        }
        assertThat(putCertificate("in-use", "fabrikam", TestCertificates.base64(TestCertificates.selfSigned(
                TestCertificates.rsa(2048), "fabrikam-2027")), null).status()).isEqualTo(200);
        for (String partner : List.of("contoso", "fabrikam")) {
            var refused = record(api.delete(base + "partners/" + partner));
            assertError(refused, 409, "PartnerInUse");
            assertThat(refused.errorMessage()).contains("'fabrikam'");
        }
        // A partner may change, but not lose the identity the agreement knows it by.
        assertError(api.put(base + "partners/contoso", partnerBody("ZZ", "CONTOSO")), 409, "PartnerInUse");
        assertThat(record(api.put(base + "partners/contoso", partnerBody("ZZ", "CONTOSO", "AS2Identity", "Contoso",
                "AS2Identity", "Contoso Ltd"))).status()).isEqualTo(200);

        // Listed by name, filtered by partner, in pages.
        assertThat(record(api.put(base + "partners/northwind", partnerBody("AS2Identity", "Northwind"))).status())
                .isEqualTo(201);
        assertThat(record(api.put(base + "agreements/northwind", agreementBody("contoso", "Contoso Ltd", "northwind",
                "Northwind", "rsa", "fabrikam", "fabrikam", "ec"))).status()).isEqualTo(201);
        assertThat(record(api.put(base + "agreements/northwind-hosts", agreementBody("northwind", "Northwind",
                "fabrikam", "Fabrikam", "rsa", "fabrikam", "fabrikam", "ec"))).status()).isEqualTo(201);
        assertThat(names(base + "agreements?$top=2")).containsExactly("fabrikam", "northwind", "northwind-hosts");
        assertThat(names(base + "agreements?hostPartner=contoso&$top=1")).containsExactly("fabrikam", "northwind");
        assertThat(names(base + "agreements?guestPartner=fabrikam")).containsExactly("fabrikam", "northwind-hosts");
        assertThat(names(base + "agreements?hostPartner=northwind&guestPartner=fabrikam"))
                .containsExactly("northwind-hosts");
        assertError(api.get(base + "agreements?hostPartner=no%20such"), 400, "InvalidName");

        // Conditional requests as for the other resources.
        String etag = conditional("GET", base + "agreements/fabrikam", null, null, null).headers().firstValue("ETag")
                .orElseThrow();
        assertThat(conditional("PUT", base + "agreements/fabrikam", agreement.toString(), "If-Match", etag)
                .statusCode()).isEqualTo(200);
        assertThat(conditional("DELETE", base + "agreements/fabrikam", null, "If-Match", etag).statusCode())
                .isEqualTo(412);
        assertThat(conditional("PUT", base + "agreements/fabrikam", agreement.toString(), "If-None-Match", "*")
                .statusCode()).isEqualTo(412);

        // Once the agreements are gone, so may be what they used; the account goes with its agreements.
        assertThat(api.delete(base + "agreements/fabrikam").status()).isEqualTo(200);
        assertThat(api.delete(base + "agreements/fabrikam").status()).isEqualTo(204);
        assertError(api.delete(base + "certificates/ec"), 409, "CertificateInUse");
        assertThat(api.delete(base + "agreements/northwind").status()).isEqualTo(200);
        assertThat(api.delete(base + "agreements/northwind-hosts").status()).isEqualTo(200);
        assertThat(api.delete(base + "certificates/ec").status()).isEqualTo(200);
        assertThat(api.delete(base + "partners/northwind").status()).isEqualTo(200);
        assertThat(record(api.put(base + "agreements/fabrikam", agreementBody("contoso", "Contoso", "fabrikam",
                "Fabrikam", "rsa", "fabrikam", "fabrikam", "rsa"))).status()).isEqualTo(201);
        var writes = api.get("auditEvents?operation=agreements/write&account=in-use&$top=100").json()
                .getJsonArray("value").getValuesAs(JsonObject.class);
        assertThat(writes).extracting(e -> e.getJsonObject("properties").getString("outcome"))
                .contains("Succeeded", "Failed");
        assertThat(api.delete("integrationAccounts/in-use").status()).isEqualTo(200);
        assertError(api.get(base + "agreements"), 404, "IntegrationAccountNotFound");
    }

    /** Two accounts that trade with each other: each has its private rsa certificate and the other's public one. */
    private void as2Peers() {
        as2Peers("as2-contoso", "as2-fabrikam");
        // Fabrikam checks duplicates; each side signs its MDNs with its own certificate.
        JsonObject fabrikam = with(agreementBody("fabrikam", "Fabrikam Inc", "contoso", "Contoso", "rsa", "contoso",
                "contoso", "rsa"), "properties.content.aS2.receiveAgreement.protocolSettings.validationSettings."
                + "checkDuplicateMessage", jakarta.json.JsonValue.TRUE);
        assertThat(record(api.put("integrationAccounts/as2-fabrikam/agreements/contoso", fabrikam)).status())
                .isEqualTo(201);
    }

    /** Two accounts trading with each other: Contoso (AS2 name Contoso) and Fabrikam ("Fabrikam Inc"). */
    private void as2Peers(String contosoAccount, String fabrikamAccount) {
        messagingAccount(contosoAccount);
        messagingAccount(fabrikamAccount);
        String contosoCertificate = api.get("integrationAccounts/" + contosoAccount + "/certificates/rsa").json()
                .getJsonObject("properties").getString("publicCertificate");
        String fabrikamCertificate = api.get("integrationAccounts/" + fabrikamAccount + "/certificates/rsa").json()
                .getJsonObject("properties").getString("publicCertificate");
        assertThat(putCertificate(contosoAccount, "fabrikam", fabrikamCertificate, null).status()).isEqualTo(201);
        assertThat(putCertificate(fabrikamAccount, "contoso", contosoCertificate, null).status()).isEqualTo(201);
        for (String account : List.of(contosoAccount, fabrikamAccount)) {
            String partners = "integrationAccounts/" + account + "/partners/";
            assertThat(record(api.put(partners + "contoso", partnerBody("AS2Identity", "Contoso"))).status())
                    .isEqualTo(201);
            assertThat(record(api.put(partners + "fabrikam", partnerBody("AS2Identity", "Fabrikam Inc"))).status())
                    .isEqualTo(201);
        }
    }

    /** Contoso's agreement with Fabrikam, sending with these algorithms (Azure's names). */
    private void contosoSends(String signing, String encryption, String mic, boolean sign, boolean compress) {
        String at = "properties.content.aS2.sendAgreement.protocolSettings.";
        JsonObject body = agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam Inc", "rsa", "fabrikam",
                "fabrikam", "rsa");
        body = with(body, at + "validationSettings.signingAlgorithm", Json.createValue(signing));
        body = with(body, at + "validationSettings.encryptionAlgorithm", Json.createValue(encryption));
        body = with(body, at + "validationSettings.signMessage", sign ? jakarta.json.JsonValue.TRUE
                : jakarta.json.JsonValue.FALSE);
        body = with(body, at + "validationSettings.compressMessage", compress ? jakarta.json.JsonValue.TRUE
                : jakarta.json.JsonValue.FALSE);
        body = with(body, at + "mdnSettings.micHashingAlgorithm", Json.createValue(mic));
        body = with(body, at + "envelopeSettings.transmitFileNameInMimeHeader", jakarta.json.JsonValue.TRUE);
        var saved = record(api.put("integrationAccounts/as2-contoso/agreements/fabrikam", body));
        assertThat(saved.status()).as(saved.body()).isIn(200, 201);
    }

    /** What as2/encode answered: the body to send and the headers to send it with. */
    private java.net.http.HttpResponse<byte[]> as2Encode(String account, String from, String to, String payload) {
        var encoded = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/" + account
                + "/as2/encode?fileName=order-4711.edi")).header("Content-Type", "application/edi-x12")
                .header("AS2-From", from).header("AS2-To", to)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(payload)));
        assertThat(encoded.statusCode()).as(new String(encoded.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(200);
        return encoded;
    }

    /** Posts a message to as2/decode with the AS2 headers encode gave it. */
    private ApiClient.Reply as2Decode(String account, java.net.http.HttpResponse<byte[]> encoded, byte[] body) {
        var request = java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/" + account + "/as2/decode"));
        for (String header : List.of("AS2-Version", "AS2-From", "AS2-To", "Message-ID", "Subject", "MIME-Version",
                "Content-Type", "Content-Disposition", "Disposition-Notification-To",
                "Disposition-Notification-Options")) {
            encoded.headers().firstValue(header).ifPresent(value -> request.header(header, value));
        }
        return record(api.send(request.POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))));
    }

    @Test
    void as2MessagesAreSecuredAndOpenedAsTheAgreementsSayWithMdnsBothWays() {
        as2Peers();
        String payload = "ISA*00*          *00*          *ZZ*CONTOSO        *ZZ*FABRIKAM       *~\n";
        String[][] algorithms = {{"SHA1", "DES3", "SHA1"}, {"SHA2256", "AES128", "SHA2256"},
                {"SHA2384", "AES192", "SHA2384"}, {"Default", "AES256", "SHA2512"}};
        for (String[] algorithm : algorithms) {
            contosoSends(algorithm[0], algorithm[1], algorithm[2], true, algorithm[1].equals("AES192"));
            var encoded = as2Encode("as2-contoso", "Contoso", "Fabrikam Inc", payload);
            var sent = encoded.headers();
            assertThat(sent.firstValue("AS2-Version")).hasValue("1.2");
            assertThat(sent.firstValue("AS2-From")).hasValue("Contoso");
            assertThat(sent.firstValue("AS2-To")).hasValue("\"Fabrikam Inc\"");
            assertThat(sent.firstValue("Message-ID").orElseThrow()).startsWith("<").endsWith(">");
            assertThat(sent.firstValue("Content-Type").orElseThrow()).startsWith("application/pkcs7-mime");
            assertThat(sent.firstValue("Content-Disposition").orElseThrow()).contains("order-4711.edi");
            assertThat(sent.firstValue("Disposition-Notification-To")).isPresent();
            String micalg = algorithm[2].equals("SHA1") ? "sha1" : "sha-" + algorithm[2].substring(4);
            assertThat(sent.firstValue("Disposition-Notification-Options").orElseThrow())
                    .contains("pkcs7-signature").endsWith("signed-receipt-micalg=optional, " + micalg);
            String mic = sent.firstValue("X-Certvault-MIC").orElseThrow();
            assertThat(mic).endsWith(", " + micalg);

            // Fabrikam opens it with its agreement: the payload, who signed it, the MIC Contoso expects back.
            var decoded = as2Decode("as2-fabrikam", encoded, encoded.body());
            assertThat(decoded.status()).as(decoded.body()).isEqualTo(200);
            JsonObject answer = decoded.json();
            assertThat(answer.getString("agreementName")).isEqualTo("contoso");
            assertThat(answer.getString("as2From")).isEqualTo("Contoso");
            assertThat(answer.getString("as2To")).isEqualTo("Fabrikam Inc");
            assertThat(new String(Base64.getDecoder().decode(answer.getJsonObject("payload").getString("content")),
                    java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(payload);
            assertThat(answer.getJsonObject("payload").getString("contentType")).isEqualTo("application/edi-x12");
            assertThat(answer.getString("signedBy")).isEqualTo("contoso");
            assertThat(answer.getString("decryptedWith")).isEqualTo("rsa");
            assertThat(answer.getBoolean("decompressed")).isEqualTo(algorithm[1].equals("AES192"));
            assertThat(answer.getString("disposition")).isEqualTo("automatic-action/MDN-sent-automatically; processed");
            assertThat(answer.getString("mic").split(",")[0]).as(algorithm[0]).isEqualTo(mic.split(",")[0]);

            // The MDN is signed by Fabrikam: Contoso verifies it with Fabrikam's certificate and finds its MIC.
            JsonObject mdn = answer.getJsonObject("mdn");
            assertThat(mdn.getBoolean("signed")).isTrue();
            assertThat(mdn.getJsonObject("headers").getString("AS2-From")).isEqualTo("\"Fabrikam Inc\"");
            String mdnType = mdn.getJsonObject("headers").getString("Content-Type");
            assertThat(mdnType).startsWith("multipart/signed");
            var report = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri(
                    "integrationAccounts/as2-contoso/messages/decode?verificationCertificateName=fabrikam"))
                    .header("Content-Type", mdnType).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                            Base64.getDecoder().decode(mdn.getString("content")))));
            assertThat(report.statusCode()).isEqualTo(200);
            String text = new String(report.body(), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(report.headers().firstValue("Content-Type").orElseThrow()).startsWith("multipart/report");
            assertThat(text).contains("Original-Message-ID: " + sent.firstValue("Message-ID").orElseThrow())
                    .contains("Disposition: automatic-action/MDN-sent-automatically; processed")
                    .contains("Received-Content-MIC: " + answer.getString("mic"));
        }

        // The same message again: an MDN again, the payload not delivered twice.
        var encoded = as2Encode("as2-contoso", "Contoso", "Fabrikam Inc", payload);
        assertThat(as2Decode("as2-fabrikam", encoded, encoded.body()).json().getBoolean("isDuplicate")).isFalse();
        var again = as2Decode("as2-fabrikam", encoded, encoded.body());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().getBoolean("isDuplicate")).isTrue();
        assertThat(again.json().containsKey("payload")).isFalse();
        assertThat(again.json().getJsonObject("mdn").getString("content")).isNotEmpty();

        // A message that must be signed and is not: refused with a code, and the MDN says why.
        contosoSends("SHA2256", "AES256", "SHA2256", false, false);
        var unsigned = as2Encode("as2-contoso", "Contoso", "Fabrikam Inc", payload);
        var refused = as2Decode("as2-fabrikam", unsigned, unsigned.body());
        assertError(refused, 400, "InsufficientMessageSecurity");
        assertThat(refused.json().getString("disposition"))
                .isEqualTo("automatic-action/MDN-sent-automatically; processed/error: insufficient-message-security");
        assertThat(refused.json().containsKey("payload")).isFalse();
        assertThat(refused.json().getJsonObject("mdn").getBoolean("signed")).isTrue();

        // Altered on the way: the decryption or the signature fails, and the MDN says which.
        contosoSends("SHA2256", "AES256", "SHA2256", true, false);
        var good = as2Encode("as2-contoso", "Contoso", "Fabrikam Inc", payload);
        byte[] altered = good.body().clone();
        altered[altered.length / 2] ^= 0x55;
        var alteredAnswer = as2Decode("as2-fabrikam", good, altered);
        assertThat(alteredAnswer.status()).as(alteredAnswer.body()).isEqualTo(400);
        assertThat(alteredAnswer.json().getString("disposition")).contains("processed/error: ");

        // No agreement between the names, or no names: the caller's mistake, no MDN.
        assertError(record(api.send(java.net.http.HttpRequest.newBuilder(api.uri(
                "integrationAccounts/as2-fabrikam/as2/decode")).header("AS2-From", "Northwind")
                .header("AS2-To", "Fabrikam Inc").header("Message-ID", "<1@northwind>")
                .header("Content-Type", "application/pkcs7-mime; smime-type=enveloped-data")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(good.body())))), 404, "AgreementNotFound");
        assertError(record(api.send(java.net.http.HttpRequest.newBuilder(api.uri(
                "integrationAccounts/as2-fabrikam/as2/decode")).header("AS2-From", "Contoso")
                .header("Content-Type", "application/pkcs7-mime")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(good.body())))), 400, "InvalidRequestContent");
        assertError(record(api.send(java.net.http.HttpRequest.newBuilder(api.uri(
                "integrationAccounts/as2-contoso/as2/encode?as2From=Contoso&as2To=Northwind"))
                .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")))),
                404, "AgreementNotFound");
    }

    @Test
    void as2LibSendsToCertvaultAndOpensWhatCertvaultSendsForEveryAlgorithm() throws Exception {
        messagingAccount("interop");
        KeyPair libKey = TestCertificates.rsa(2048);
        X509Certificate libCertificate = TestCertificates.selfSigned(libKey, "as2-lib peer");
        X509Certificate ours = io.certvault.pki.CertificateParser.parse(api.get(
                "integrationAccounts/interop/certificates/rsa").json().getJsonObject("properties")
                .getString("publicCertificate"));
        assertThat(putCertificate("interop", "as2lib", TestCertificates.base64(libCertificate), null).status())
                .isEqualTo(201);
        String partners = "integrationAccounts/interop/partners/";
        assertThat(record(api.put(partners + "contoso", partnerBody("AS2Identity", "Contoso"))).status())
                .isEqualTo(201);
        assertThat(record(api.put(partners + "as2lib", partnerBody("AS2Identity", "AS2LIB"))).status())
                .isEqualTo(201);
        byte[] payload = "UNB+UNOC:3+AS2LIB+CONTOSO+261207:1200+1'UNH+1+ORDERS:D:96A:UN'\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String[] digests = {"SHA1", "SHA2256", "SHA2384", "SHA2512"};
        String[] micalgs = {"sha1", "sha-256", "sha384", "SHA-512"};
        String[] encryptions = {"DES3", "AES128", "AES192", "AES256"};

        // A partner that uses the openssl command line and plain HTTP, with as2-lib's key.
        // Its agreement keeps what comes in as it came, for non-repudiation.
        JsonObject plain = with(agreementBody("contoso", "Contoso", "as2lib", "AS2LIB", "rsa", "as2lib", "as2lib",
                "rsa"), RECEIVE + "protocolSettings.securitySettings.enableNRRForInboundEncodedMessages",
                jakarta.json.JsonValue.TRUE);
        assertThat(record(api.put("integrationAccounts/interop/agreements/as2lib", plain)).status()).isIn(200, 201);
        opensslPostsToTheAs2Endpoint("interop", "AS2LIB", "Contoso", libKey, libCertificate, ours, payload);

        try (As2LibPeer peer = new As2LibPeer("AS2LIB", libKey, libCertificate, api,
                "integrationAccounts/interop/as2/decode")) {
            String libReceiver = peer.startReceiver("Contoso", ours);
            for (int i = 0; i < digests.length; i++) {
                String at = "properties.content.aS2.sendAgreement.protocolSettings.";
                JsonObject agreement = agreementBody("contoso", "Contoso", "as2lib", "AS2LIB", "rsa", "as2lib",
                        "as2lib", "rsa");
                agreement = with(agreement, at + "validationSettings.signingAlgorithm", Json.createValue(digests[i]));
                agreement = with(agreement, at + "validationSettings.encryptionAlgorithm",
                        Json.createValue(encryptions[i]));
                agreement = with(agreement, at + "validationSettings.compressMessage",
                        i == 2 ? jakarta.json.JsonValue.TRUE : jakarta.json.JsonValue.FALSE);
                agreement = with(agreement, at + "mdnSettings.micHashingAlgorithm", Json.createValue(digests[i]));
                agreement = with(agreement, "properties.content.aS2.sendAgreement.partnerEndpoint",
                        Json.createObjectBuilder().add("url", libReceiver).build());
                var saved = record(api.put("integrationAccounts/interop/agreements/as2lib", agreement));
                assertThat(saved.status()).as(saved.body()).isIn(200, 201);

                // as2-lib sends; Certvault opens it and answers a signed MDN, whose signature and MIC as2-lib checks.
                var sent = peer.send("Contoso", ours, payload, As2LibPeer.digest(digests[i]),
                        As2LibPeer.CRYPTS.get(i), micalgs[i], i == 1);
                assertThat(sent.response().hasException()).as(digests[i] + "/" + encryptions[i] + ": "
                        + sent.response().getAsString()).isFalse();
                assertThat(sent.response().getMDNDisposition()).as(sent.response().getAsString())
                        .endsWith("processed");
                assertThat(sent.micMismatch()).as("as2-lib's MIC check").isNull();
                assertThat(sent.micMatched()).as("as2-lib's MIC check").isNotNull();
                JsonObject decoded = peer.lastDecode.get();
                assertThat(decoded.getString("signedBy")).isEqualTo("as2lib");
                assertThat(decoded.getString("decryptedWith")).isEqualTo("rsa");
                assertThat(decoded.getBoolean("decompressed")).isEqualTo(i == 1);
                assertThat(Base64.getDecoder().decode(decoded.getJsonObject("payload").getString("content")))
                        .isEqualTo(payload);

                // as2-lib posts to the account's AS2 endpoint itself: the message is kept for pick-up.
                var posted = peer.sendTo(as2Endpoint("interop"), "Contoso", ours, payload,
                        As2LibPeer.digest(digests[i]), As2LibPeer.CRYPTS.get(i), micalgs[i], i == 3);
                assertThat(posted.response().hasException()).as(digests[i] + "/" + encryptions[i] + ": "
                        + posted.response().getAsString()).isFalse();
                assertThat(posted.response().getMDNDisposition()).endsWith("processed");
                assertThat(posted.micMatched()).as("as2-lib's MIC check").isNotNull();
                String postedId = posted.response().getOriginalMessageID();
                JsonObject kept = as2Messages("interop", "direction=Inbound&status=Received").stream()
                        .filter(m -> m.getString("messageId").replaceAll("[<>]", "")
                                .equals(postedId.replaceAll("[<>]", "")))
                        .findFirst().orElseThrow(() -> new AssertionError("not kept: " + postedId));
                assertThat(api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/interop/"
                        + "as2/messages/" + kept.getString("name") + "/payload")).GET()).body()).isEqualTo(payload);

                // Certvault's outbox sends to as2-lib's receiver, and checks the signed MDN as2-lib makes: its
                // signature by as2-lib's key, its disposition, the MIC as2-lib computed against Certvault's.
                JsonObject delivered = awaitMessage("interop", as2Send("interop", "as2lib",
                        new String(payload, java.nio.charset.StandardCharsets.US_ASCII)).getString("name"),
                        "Delivered", "Failed");
                var took = peer.received.poll(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(took).as("as2-lib's receiver took it").isNotNull();
                assertThat(took.payload()).as("as2-lib took " + took.messageId() + ", MIC " + took.mic())
                        .isEqualTo(payload);
                assertThat(took.mic()).as("as2-lib's MIC").isNotNull();
                assertThat(delivered.getJsonObject("mdn").getString("signedBy")).isEqualTo("as2lib");
                if (i == 2) {
                    // Compressed before signing: as2-lib's receiver returns the MIC of the decompressed payload,
                    // where RFC 4130 7.3.1 (and as2-lib's own sender, above) take the signed, compressed entity.
                    assertThat(delivered.getJsonObject("error").getString("code")).as(delivered.toString())
                            .isEqualTo("MdnMicMismatch");
                    assertThat(took.mic().split(",")[0]).isNotEqualTo(delivered.getString("mic").split(",")[0]);
                } else {
                    assertThat(delivered.getString("status")).as(digests[i] + "/" + encryptions[i] + ": "
                            + delivered).isEqualTo("Delivered");
                    assertThat(took.mic().split(",")[0]).isEqualTo(delivered.getString("mic").split(",")[0]);
                }

                // Certvault encodes; as2-lib decrypts, verifies and computes the MIC Certvault said to expect.
                var encoded = as2Encode("interop", "Contoso", "AS2LIB",
                        new String(payload, java.nio.charset.StandardCharsets.US_ASCII));
                var opened = peer.open(encoded.headers().firstValue("Content-Type").orElseThrow(), encoded.body(),
                        ours, As2LibPeer::digest, digests[i]);
                assertThat(opened.payload()).as(digests[i] + "/" + encryptions[i]).isEqualTo(payload);
                assertThat(opened.contentType()).startsWith("application/edi-x12");
                assertThat(opened.mic().split(",")[0]).as("the MIC as2-lib computes")
                        .isEqualTo(encoded.headers().firstValue("X-Certvault-MIC").orElseThrow().split(",")[0]);
            }

            as2LibTradesEachSecurityShapeWithSignedUnsignedAndAsynchronousMdns(peer, libReceiver, ours, payload);
        }
    }

    /**
     * Beyond the algorithms: signed only, encrypted only, neither; MDNs signed and unsigned, in the HTTP answer and
     * asynchronous, each way between as2-lib and Certvault. An asynchronous MDN Certvault returns goes to an HTTP
     * server of the test's (as2-lib's client does not wait for one); one as2-lib's receiver returns goes to
     * Certvault's MDN endpoint, where it settles the message.
     */
    private void as2LibTradesEachSecurityShapeWithSignedUnsignedAndAsynchronousMdns(As2LibPeer peer,
            String libReceiver, X509Certificate ours, byte[] payload) throws Exception {
        record Shape(boolean sign, boolean encrypt, boolean signedMdn, boolean async) {
        }
        java.util.concurrent.BlockingQueue<String> asyncMdns = new java.util.concurrent.LinkedBlockingQueue<>();
        var mdnSink = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        mdnSink.createContext("/mdn", exchange -> {
            try (exchange) {
                asyncMdns.add(exchange.getRequestHeaders().getFirst("Content-Type") + "\n"
                        + new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        mdnSink.start();
        String sink = "http://127.0.0.1:" + mdnSink.getAddress().getPort() + "/mdn";
        try {
            for (Shape shape : List.of(new Shape(true, false, false, false), new Shape(false, true, true, false),
                    new Shape(false, false, false, false), new Shape(true, true, true, true),
                    new Shape(true, false, false, true))) {
                String at = "properties.content.aS2.";
                JsonObject agreement = agreementBody("contoso", "Contoso", "as2lib", "AS2LIB", "rsa", "as2lib",
                        "as2lib", "rsa");
                for (String side : List.of("sendAgreement", "receiveAgreement")) {
                    agreement = with(agreement, at + side + ".protocolSettings.validationSettings.signMessage",
                            shape.sign() ? jakarta.json.JsonValue.TRUE : jakarta.json.JsonValue.FALSE);
                    agreement = with(agreement, at + side + ".protocolSettings.validationSettings.encryptMessage",
                            shape.encrypt() ? jakarta.json.JsonValue.TRUE : jakarta.json.JsonValue.FALSE);
                }
                // Signed MDNs asked for (send side) and given (receive side: Certvault signs as its agreement says).
                for (String side : List.of("sendAgreement", "receiveAgreement")) {
                    agreement = with(agreement, at + side + ".protocolSettings.mdnSettings.signMDN",
                            shape.signedMdn() ? jakarta.json.JsonValue.TRUE : jakarta.json.JsonValue.FALSE);
                }
                String mdn = at + "sendAgreement.protocolSettings.mdnSettings.";
                agreement = with(agreement, mdn + "sendMDNAsynchronously", shape.async() ? jakarta.json.JsonValue.TRUE
                        : jakarta.json.JsonValue.FALSE);
                if (shape.async()) {
                    agreement = with(agreement, mdn + "receiptDeliveryUrl", Json.createValue(as2Endpoint("interop")
                            + "/mdn"));
                }
                agreement = with(agreement, at + "sendAgreement.partnerEndpoint", Json.createObjectBuilder()
                        .add("url", libReceiver).build());
                var saved = record(api.put("integrationAccounts/interop/agreements/as2lib", agreement));
                assertThat(saved.status()).as(saved.body()).isIn(200, 201);

                // as2-lib sends in this shape to Certvault's endpoint.
                var posted = peer.sendTo(as2Endpoint("interop"), "Contoso", ours, payload,
                        shape.sign() ? As2LibPeer.digest("SHA2256") : null,
                        shape.encrypt() ? As2LibPeer.CRYPTS.get(3) : null, "sha-256", false, shape.signedMdn(),
                        shape.async() ? sink : null);
                assertThat(posted.response().hasException()).as(shape + ": " + posted.response().getAsString())
                        .isFalse();
                String postedId = posted.response().getOriginalMessageID();
                if (shape.async()) {
                    String asyncMdn = asyncMdns.poll(20, java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(asyncMdn).as(shape + ": the asynchronous MDN").isNotNull()
                            .contains("processed").contains(postedId.replaceAll("[<>]", ""));
                    assertThat(asyncMdn.startsWith("multipart/signed")).as(shape + ": signed as asked")
                            .isEqualTo(shape.signedMdn());
                } else {
                    assertThat(posted.response().getMDNDisposition()).as(shape.toString()).endsWith("processed");
                    if (shape.sign()) {
                        assertThat(posted.micMatched()).as(shape + ": as2-lib's MIC check").isNotNull();
                    }
                }
                assertThat(as2Messages("interop", "direction=Inbound&status=Received"))
                        .anyMatch(m -> m.getString("messageId").replaceAll("[<>]", "")
                                .equals(postedId.replaceAll("[<>]", "")));

                // Certvault sends in this shape to as2-lib's receiver, and settles it by as2-lib's MDN.
                JsonObject delivered = awaitMessage("interop", as2Send("interop", "as2lib",
                        new String(payload, java.nio.charset.StandardCharsets.US_ASCII)).getString("name"),
                        "Delivered", "Failed");
                var took = peer.received.poll(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(took).as(shape + ": as2-lib's receiver took it").isNotNull();
                assertThat(took.payload()).as(shape.toString()).isEqualTo(payload);
                assertThat(delivered.getString("status")).as(shape + ": " + delivered).isEqualTo("Delivered");
                if (shape.signedMdn()) {
                    assertThat(delivered.getJsonObject("mdn").getString("signedBy")).isEqualTo("as2lib");
                } else {
                    assertThat(delivered.getJsonObject("mdn").containsKey("signedBy")).as(delivered.toString())
                            .isFalse();
                }
            }
        } finally {
            mdnSink.stop(0);
        }
    }

    /** The AS2 endpoint of an account on this server, where partners post without a sign-in. */
    private String as2Endpoint(String account) {
        return api.uri("").resolve("../as2/" + account).toString();
    }

    private static final String SEND = "properties.content.aS2.sendAgreement.";
    private static final String RECEIVE = "properties.content.aS2.receiveAgreement.";

    /** Contoso's agreement with Fabrikam: signed and encrypted both ways, sent to this URL. */
    private void contosoSendsTo(String account, String url, String mdnVerification, boolean signedMdn) {
        JsonObject body = agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam Inc", "rsa", "fabrikam",
                mdnVerification, "rsa");
        body = with(body, SEND + "partnerEndpoint", Json.createObjectBuilder().add("url", url)
                .add("readTimeoutSeconds", 20).build());
        body = with(body, SEND + "protocolSettings.envelopeSettings.transmitFileNameInMimeHeader",
                jakarta.json.JsonValue.TRUE);
        body = with(body, SEND + "protocolSettings.mdnSettings.signMDN", signedMdn ? jakarta.json.JsonValue.TRUE
                : jakarta.json.JsonValue.FALSE);
        var saved = record(api.put("integrationAccounts/" + account + "/agreements/fabrikam", body));
        assertThat(saved.status()).as(saved.body()).isIn(200, 201);
    }

    /** Turns the agreement's enableNRR* settings on, on the side given (SEND or RECEIVE). */
    private void keepAsEvidence(String account, String agreement, String side, String... settings) {
        String path = "integrationAccounts/" + account + "/agreements/" + agreement;
        JsonObject body = api.get(path).json();
        for (String setting : settings) {
            body = with(body, side + "protocolSettings.securitySettings." + setting, jakarta.json.JsonValue.TRUE);
        }
        var saved = record(api.put(path, body));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    }

    /** Two accounts of this server trading over HTTP, each sending to the other's AS2 endpoint. */
    private void tradingOverHttp(String contoso, String fabrikam) {
        as2Peers(contoso, fabrikam);
        contosoSendsTo(contoso, as2Endpoint(fabrikam), "fabrikam", true);
        JsonObject toContoso = agreementBody("fabrikam", "Fabrikam Inc", "contoso", "Contoso", "rsa", "contoso",
                "contoso", "rsa");
        toContoso = with(toContoso, SEND + "partnerEndpoint", Json.createObjectBuilder().add("url",
                as2Endpoint(contoso)).build());
        toContoso = with(toContoso, RECEIVE + "protocolSettings.validationSettings.checkDuplicateMessage",
                jakarta.json.JsonValue.TRUE);
        var saved = record(api.put("integrationAccounts/" + fabrikam + "/agreements/contoso", toContoso));
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
    }

    /** Queues a payload to send by the agreement: 202 and the message's record. */
    private JsonObject as2Send(String account, String agreement, String payload) {
        var queued = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/" + account
                + "/agreements/" + agreement + "/send?fileName=order-4711.edi"))
                .header("Content-Type", "application/edi-x12")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(payload)));
        String answer = new String(queued.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(queued.statusCode()).as(answer).isEqualTo(202);
        JsonObject message = Json.createReader(new java.io.StringReader(answer)).readObject();
        assertThat(queued.headers().firstValue("Location").orElseThrow())
                .endsWith("/integrationAccounts/" + account + "/as2/messages/" + message.getString("name"));
        assertThat(message.getJsonObject("properties").getString("status")).isEqualTo("Queued");
        return message;
    }

    /** The message's properties once its status is one of these (the outbox works in the background). */
    private JsonObject awaitMessage(String account, String id, String... statuses) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        JsonObject properties;
        do {
            var reply = api.get("integrationAccounts/" + account + "/as2/messages/" + id);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            properties = reply.json().getJsonObject("properties");
            if (List.of(statuses).contains(properties.getString("status"))) {
                return properties;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("Message " + id + " did not become " + List.of(statuses) + ": " + properties);
    }

    /** The properties of the account's messages matching the query, newest first, each with its name. */
    private List<JsonObject> as2Messages(String account, String query) {
        var reply = api.get("integrationAccounts/" + account + "/as2/messages?" + query);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().getJsonArray("value").getValuesAs(JsonObject.class).stream()
                .map(m -> Json.createObjectBuilder(m.getJsonObject("properties")).add("name", m.getString("name"))
                        .build()).toList();
    }

    @Test
    void twoAccountsTradeSignedEncryptedMessagesOverHttpWithSignedMdnsAndEveryMessageIsTracked() throws Exception {
        tradingOverHttp("tx-contoso", "tx-fabrikam");
        // Non-repudiation as Azure's settings name it: Contoso keeps what it sent, both as given and as sent, not the
        // MDN it got; Fabrikam keeps the MDN it returned, not the payload once processed.
        keepAsEvidence("tx-contoso", "fabrikam", SEND, "enableNRRForOutboundEncodedMessages",
                "enableNRRForOutboundDecodedMessages");
        keepAsEvidence("tx-fabrikam", "contoso", RECEIVE, "enableNRRForOutboundMDN");
        String payload = "ISA*00*          *00*          *ZZ*CONTOSO        *ZZ*FABRIKAM       *~\n";
        JsonObject queued = as2Send("tx-contoso", "fabrikam", payload);
        String id = queued.getString("name");
        JsonObject sent = awaitMessage("tx-contoso", id, "Delivered", "Failed");
        assertThat(sent.getString("status")).as(sent.toString()).isEqualTo("Delivered");
        assertThat(sent.getString("direction")).isEqualTo("Outbound");
        assertThat(sent.getInt("attempts")).isEqualTo(1);
        assertThat(sent.getJsonObject("mdn").getString("disposition")).endsWith("; processed");
        assertThat(sent.getJsonObject("mdn").getString("signedBy")).as("verified by Fabrikam's certificate")
                .isEqualTo("fabrikam");
        String messageId = sent.getString("messageId");

        // Fabrikam keeps it for pick-up, with the MIC it returned (the one Contoso expected).
        List<JsonObject> waiting = as2Messages("tx-fabrikam", "direction=Inbound&status=Received");
        JsonObject received = waiting.stream().filter(m -> m.getString("messageId").equals(messageId)).findFirst()
                .orElseThrow(() -> new AssertionError("not waiting at Fabrikam: " + waiting));
        assertThat(received.getString("fileName")).isEqualTo("order-4711.edi");
        assertThat(received.getString("hostPartner")).isEqualTo("fabrikam");
        assertThat(received.getString("guestPartner")).isEqualTo("contoso");
        assertThat(received.getString("mic")).isEqualTo(sent.getString("mic"));
        String inbound = "integrationAccounts/tx-fabrikam/as2/messages/" + received.getString("name");
        var picked = api.get(inbound + "/payload");
        assertThat(picked.status()).isEqualTo(200);
        assertThat(picked.body()).isEqualTo(payload);
        assertThat(api.get(inbound + "/mdn").body()).contains("Received-Content-MIC");
        var acknowledged = record(api.post(inbound + "/acknowledge", JsonObject.EMPTY_JSON_OBJECT));
        assertThat(acknowledged.status()).as(acknowledged.body()).isEqualTo(200);
        assertThat(acknowledged.json().getJsonObject("properties").getString("status")).isEqualTo("Processed");
        assertError(api.get(inbound + "/payload"), 404, "MessageNotFound");
        assertThat(api.get(inbound + "/mdn").body()).as("kept as evidence").contains("Received-Content-MIC");
        String outbound = "integrationAccounts/tx-contoso/as2/messages/" + id;
        assertThat(api.get(outbound + "/payload").body()).as("kept as given").isEqualTo(payload);
        assertThat(api.get(outbound + "/raw").status()).as("kept as sent").isEqualTo(200);
        assertError(api.get(outbound + "/mdn"), 404, "MessageNotFound");
        assertThat(as2Messages("tx-fabrikam", "direction=Inbound&status=Received"))
                .noneMatch(m -> m.getString("messageId").equals(messageId));
        assertError(record(api.post("integrationAccounts/tx-contoso/as2/messages/" + id + "/acknowledge",
                JsonObject.EMPTY_JSON_OBJECT)), 409, "MessageStateConflict");

        // Sent again as it was: the same Message-ID, so Fabrikam answers its MDN again and does not deliver it twice.
        var resent = record(api.post("integrationAccounts/tx-contoso/as2/messages/" + id + "/resend",
                JsonObject.EMPTY_JSON_OBJECT));
        assertThat(resent.status()).as(resent.body()).isEqualTo(202);
        JsonObject again = awaitMessage("tx-contoso", id, "Delivered", "Failed");
        assertThat(again.getString("status")).as(again.toString()).isEqualTo("Delivered");
        assertThat(again.getString("messageId")).isEqualTo(messageId);
        List<JsonObject> both = as2Messages("tx-fabrikam", "direction=Inbound").stream()
                .filter(m -> m.getString("messageId").equals(messageId)).toList();
        assertThat(both).hasSize(2);
        assertThat(both.get(0).getBoolean("isDuplicate")).as("the newest is the duplicate").isTrue();
        assertThat(both.get(0).getString("status")).isEqualTo("Processed");
        assertThat(both.get(0).containsKey("contentSize")).as("a duplicate's payload is not kept").isFalse();

        // Metrics (MicroProfile Metrics, at the server's /metrics): how messages ended, MDN latency, outbox depth.
        var metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + deploymentUrl.getPort() + "/metrics?scope=application")).GET()
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
        assertThat(metrics.body()).containsPattern("certvault_as2_messages_total\\{[^}]*account=\"tx-contoso\""
                + "[^}]*status=\"Delivered\"")
                .containsPattern("certvault_as2_messages_total\\{[^}]*account=\"tx-fabrikam\"[^}]*direction=\"Inbound\"")
                .contains("certvault_as2_mdn_latency_seconds").contains("certvault_as2_outbox_depth")
                .containsPattern("certvault_vault_operation_seconds_count\\{[^}]*operation=\"sign\"[^}]*vault=\"default\"");

        // Fabrikam's key uses for it (decryption, the MDN's signature) are on record as the partner that posted.
        var partnerEvents = api.get("auditEvents?user=" + java.net.URLEncoder.encode("partner:tx-fabrikam/contoso",
                java.nio.charset.StandardCharsets.UTF_8) + "&account=tx-fabrikam");
        assertThat(partnerEvents.status()).isEqualTo(200);
        assertThat(partnerEvents.json().getJsonArray("value")).isNotEmpty();
        // Each key use names the message it was for: Fabrikam's decryption and MDN signature its received
        // message, Contoso's signature the message it sent.
        assertThat(partnerEvents.json().getJsonArray("value").getValuesAs(JsonObject.class).stream()
                .map(e -> e.getJsonObject("properties"))
                .filter(e -> e.getString("operation").startsWith("keys/")).map(e -> e.getString("operation") + " "
                        + e.getString("resource", null)).toList())
                .contains("keys/decrypt as2/messages/" + received.getString("name"),
                        "keys/sign as2/messages/" + received.getString("name"));
        var contosoSigned = api.get("auditEvents?operation=keys/sign&account=tx-contoso").json().getJsonArray("value")
                .getValuesAs(JsonObject.class).stream().map(e -> e.getJsonObject("properties"))
                .map(e -> e.getString("resource", null)).toList();
        assertThat(contosoSigned).contains("as2/messages/" + id);

        // And the other way: Fabrikam sends to Contoso's endpoint.
        JsonObject back = awaitMessage("tx-fabrikam", as2Send("tx-fabrikam", "contoso", "UNB+UNOC:3'\r\n")
                .getString("name"), "Delivered", "Failed");
        assertThat(back.getString("status")).as(back.toString()).isEqualTo("Delivered");
        assertThat(as2Messages("tx-contoso", "direction=Inbound&partner=fabrikam"))
                .anyMatch(m -> m.getString("messageId").equals(back.getString("messageId")));
        assertThat(as2Messages("tx-contoso", "direction=Outbound&status=Delivered&agreement=fabrikam"))
                .extracting(m -> m.getString("messageId")).containsExactly(messageId);
        assertThat(as2Messages("tx-contoso", "from=2999-01-01T00:00:00Z")).isEmpty();
        assertError(api.get("integrationAccounts/tx-contoso/as2/messages?status=Lost"), 400, "InvalidRequestContent");
        assertError(api.get("integrationAccounts/tx-contoso/as2/messages?from=yesterday"), 400,
                "InvalidRequestContent");
        assertError(api.get("integrationAccounts/tx-contoso/as2/messages/no-such-id"), 404, "MessageNotFound");
        assertError(api.get("integrationAccounts/no-such-account/as2/messages"), 404, "IntegrationAccountNotFound");

        // A pair of AS2 names with no agreement: the same answer whether the account exists or not.
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String account : List.of("tx-fabrikam", "no-such-account")) {
            var unknown = http.send(java.net.http.HttpRequest.newBuilder(URI.create(as2Endpoint(account)))
                    .header("AS2-From", "Mallory").header("AS2-To", "Fabrikam Inc").header("Message-ID", "<1@m>")
                    .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString("x"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(403);
            assertThat(unknown.body()).isEqualTo("This AS2 endpoint has no agreement for AS2-From 'Mallory' to "
                    + "AS2-To 'Fabrikam Inc'.");
            var withMdn = http.send(java.net.http.HttpRequest.newBuilder(URI.create(as2Endpoint(account)))
                    .header("AS2-From", "Mallory").header("AS2-To", "Fabrikam Inc").header("Message-ID", "<2@m>")
                    .header("Disposition-Notification-To", "mallory@example.com")
                    .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString("x"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(withMdn.statusCode()).isEqualTo(200);
            assertThat(withMdn.headers().firstValue("Content-Type").orElseThrow()).startsWith("multipart/report");
            assertThat(withMdn.body()).contains("processed/error: authentication-failed").contains("<2@m>");
        }
        // Partners need no sign-in; a message the agreement refuses (unsigned) gets its MDN saying so, and is on record.
        var unsigned = http.send(java.net.http.HttpRequest.newBuilder(URI.create(as2Endpoint("tx-fabrikam")))
                .header("AS2-From", "Contoso").header("AS2-To", "Fabrikam Inc").header("Message-ID", "<3@contoso>")
                .header("Disposition-Notification-To", "as2@contoso.example")
                .header("Content-Type", "application/edi-x12").POST(java.net.http.HttpRequest.BodyPublishers
                        .ofString(payload)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(200);
        assertThat(unsigned.body()).contains("processed/error: insufficient-message-security");
        JsonObject refused = as2Messages("tx-fabrikam", "status=Failed").stream()
                .filter(m -> m.getString("messageId").equals("<3@contoso>")).findFirst().orElseThrow();
        assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("InsufficientMessageSecurity");
        var get = http.send(java.net.http.HttpRequest.newBuilder(URI.create(as2Endpoint("tx-fabrikam"))).GET()
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        var anonymous = http.send(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/tx-fabrikam/"
                + "as2/messages")).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).as("the messages API is not the AS2 endpoint").isEqualTo(401);

        // What is larger than the transport keeps (here 64 KiB) is refused, never held in memory: to send, and
        // received (opened on disk, then refused with its record saying why).
        String big = "ISA*" + "9".repeat(100 * 1024) + "~\n";
        var tooLarge = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/tx-contoso/"
                + "agreements/fabrikam/send")).header("Content-Type", "application/edi-x12")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(big)));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        var encoded = as2Encode("tx-contoso", "Contoso", "Fabrikam Inc", big);
        var post = java.net.http.HttpRequest.newBuilder(URI.create(as2Endpoint("tx-fabrikam")))
                .version(java.net.http.HttpClient.Version.HTTP_1_1);
        for (String header : List.of("AS2-Version", "AS2-From", "AS2-To", "Message-ID", "Content-Type",
                "Disposition-Notification-To", "Disposition-Notification-Options")) {
            encoded.headers().firstValue(header).ifPresent(value -> post.header(header, value));
        }
        var refusedBig = http.send(post.POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(encoded.body()))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(refusedBig.statusCode()).as(refusedBig.body()).isEqualTo(413);
        String bigId = encoded.headers().firstValue("Message-ID").orElseThrow();
        assertThat(as2Messages("tx-fabrikam", "status=Failed").stream()
                .filter(m -> m.getString("messageId").equals(bigId)).findFirst().orElseThrow()
                .getJsonObject("error").getString("code")).isEqualTo("MessageTooLarge");
    }

    /** Contoso's agreement asking Fabrikam for asynchronous MDNs at this URL. */
    private void contosoAsksForAsynchronousMdns(String contoso, String fabrikam, String receiptUrl, boolean resend) {
        JsonObject body = agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam Inc", "rsa", "fabrikam",
                "fabrikam", "rsa");
        body = with(body, SEND + "partnerEndpoint", Json.createObjectBuilder().add("url", as2Endpoint(fabrikam))
                .build());
        body = with(body, SEND + "protocolSettings.mdnSettings.sendMDNAsynchronously", jakarta.json.JsonValue.TRUE);
        body = with(body, SEND + "protocolSettings.mdnSettings.receiptDeliveryUrl", Json.createValue(receiptUrl));
        body = with(body, SEND + "protocolSettings.errorSettings.resendIfMDNNotReceived", resend
                ? jakarta.json.JsonValue.TRUE : jakarta.json.JsonValue.FALSE);
        var saved = record(api.put("integrationAccounts/" + contoso + "/agreements/fabrikam", body));
        assertThat(saved.status()).as(saved.body()).isIn(200, 201);
    }

    @Test
    void asynchronousMdnsGoWhereTheMessageAsksAndOneThatNeverComesIsResentThenFailed() throws Exception {
        tradingOverHttp("ta-contoso", "ta-fabrikam");
        String payload = "ISA*00*async~\n";

        // Fabrikam answers at once and posts its signed MDN to Contoso's MDN endpoint, where Contoso checks it.
        contosoAsksForAsynchronousMdns("ta-contoso", "ta-fabrikam", as2Endpoint("ta-contoso") + "/mdn", false);
        String id = as2Send("ta-contoso", "fabrikam", payload).getString("name");
        JsonObject delivered = awaitMessage("ta-contoso", id, "Delivered", "Failed");
        assertThat(delivered.getString("status")).as(delivered.toString()).isEqualTo("Delivered");
        assertThat(delivered.getJsonObject("mdn").getString("signedBy")).isEqualTo("fabrikam");
        assertThat(delivered.getInt("attempts")).isEqualTo(1);
        JsonObject mdnSent = as2Messages("ta-fabrikam", "direction=Outbound").stream()
                .filter(m -> m.getString("kind").equals("Mdn")).findFirst().orElseThrow();
        assertThat(mdnSent.getString("status")).isEqualTo("Delivered");
        assertThat(mdnSent.getString("targetUrl")).isEqualTo(as2Endpoint("ta-contoso") + "/mdn");
        // Delivered, the MDN's own row keeps nothing (the evidence is kept with the message it answers, if asked).
        assertError(api.get("integrationAccounts/ta-fabrikam/as2/messages/" + mdnSent.getString("name") + "/raw"),
                404, "MessageNotFound");
        assertError(api.get("integrationAccounts/ta-contoso/as2/messages/" + id + "/raw"), 404, "MessageNotFound");

        // An MDN for a message Contoso never sent is refused.
        var stray = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create(as2Endpoint("ta-contoso") + "/mdn")).header("AS2-From", "\"Fabrikam Inc\"")
                .header("AS2-To", "Contoso").header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("not an MDN")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(stray.statusCode()).as(stray.body()).isEqualTo(400);

        // Fabrikam's MDN cannot reach the URL: Fabrikam retries, then records its MDN Failed; Contoso resends
        // (the same Message-ID) each time the MDN is overdue, until its attempts are spent.
        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        contosoAsksForAsynchronousMdns("ta-contoso", "ta-fabrikam", "http://127.0.0.1:" + closed + "/mdn", true);
        String lostId = as2Send("ta-contoso", "fabrikam", payload).getString("name");
        assertThat(awaitMessage("ta-contoso", lostId, "Sent", "Delivered", "Failed").getString("status"))
                .isIn("Sent", "Failed");
        JsonObject lost = awaitMessage("ta-contoso", lostId, "Delivered", "Failed");
        assertThat(lost.getJsonObject("error").getString("code")).as(lost.toString()).isEqualTo("MdnNotReceived");
        assertThat(lost.getInt("attempts")).as("sent, then resent while attempts were left").isEqualTo(4);
        List<JsonObject> copies = as2Messages("ta-fabrikam", "direction=Inbound").stream()
                .filter(m -> m.getString("messageId").equals(lost.getString("messageId"))).toList();
        assertThat(copies).hasSizeGreaterThanOrEqualTo(3);
        assertThat(copies.stream().filter(m -> !m.getBoolean("isDuplicate"))).hasSize(1);
        JsonObject undeliverable = awaitMessage("ta-fabrikam", as2Messages("ta-fabrikam", "direction=Outbound")
                .stream().filter(m -> m.getString("kind").equals("Mdn") && m.getString("targetUrl")
                        .contains(":" + closed + "/")).reduce((newer, older) -> older).orElseThrow()
                .getString("name"), "Failed", "Delivered");
        assertThat(undeliverable.getJsonObject("error").getString("code")).isEqualTo("PartnerUnreachable");

        // Fabrikam has its payloads written to a folder (below the server's delivery root): whole, under the file
        // name Contoso sent, never over another; then they are Processed.
        JsonObject fabrikamDelivers = with(agreementBody("fabrikam", "Fabrikam Inc", "contoso", "Contoso", "rsa",
                "contoso", "contoso", "rsa"), RECEIVE + "delivery", Json.createObjectBuilder()
                .add("folder", "ta-fabrikam/inbox").build());
        assertThat(record(api.put("integrationAccounts/ta-fabrikam/agreements/contoso", fabrikamDelivers)).status())
                .isEqualTo(200);
        contosoSendsTo("ta-contoso", as2Endpoint("ta-fabrikam"), "fabrikam", true);
        List<String> written = new ArrayList<>();
        for (String content : List.of("ISA*first~\n", "ISA*second~\n")) {
            JsonObject sent = awaitMessage("ta-contoso", as2Send("ta-contoso", "fabrikam", content).getString("name"),
                    "Delivered", "Failed");
            assertThat(sent.getString("status")).as(sent.toString()).isEqualTo("Delivered");
            JsonObject received = as2Messages("ta-fabrikam", "direction=Inbound").stream()
                    .filter(m -> m.getString("messageId").equals(sent.getString("messageId"))).findFirst().orElseThrow();
            assertThat(received.getString("status")).as(received.toString()).isEqualTo("Processed");
            written.add(content);
        }
        Path inbox = Path.of(System.getProperty("certvault.it.delivery"), "ta-fabrikam", "inbox");
        try (Stream<Path> files = Files.list(inbox)) {
            List<Path> all = files.sorted().toList();
            assertThat(all).extracting(f -> f.getFileName().toString())
                    .anyMatch(n -> n.equals("order-4711.edi")).anyMatch(n -> n.matches("order-4711-[0-9a-f]{8}\\.edi"))
                    .noneMatch(n -> n.endsWith(".tmp")).hasSize(2);
            List<String> contents = new ArrayList<>();
            for (Path file : all) {
                contents.add(Files.readString(file));
            }
            assertThat(contents).containsExactlyInAnyOrderElementsOf(written);
        }
        // Or under a name the agreement's template makes.
        JsonObject templated = with(fabrikamDelivers, RECEIVE + "delivery", Json.createObjectBuilder()
                .add("folder", "ta-fabrikam/named").add("fileNameTemplate", "{date}-{as2From}-{fileName}").build());
        assertThat(record(api.put("integrationAccounts/ta-fabrikam/agreements/contoso", templated)).status())
                .isEqualTo(200);
        JsonObject named = awaitMessage("ta-contoso", as2Send("ta-contoso", "fabrikam", "ISA*named~\n")
                .getString("name"), "Delivered", "Failed");
        assertThat(named.getString("status")).as(named.toString()).isEqualTo("Delivered");
        try (Stream<Path> files = Files.list(inbox.resolveSibling("named"))) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .singleElement().asString().matches("20[0-9]{6}-Contoso-order-4711\\.edi");
        }
        for (String wrong : List.of("{nope}.edi", "../{fileName}", ".{fileName}", "a/b")) {
            assertError(record(api.put("integrationAccounts/ta-fabrikam/agreements/contoso", with(fabrikamDelivers,
                    RECEIVE + "delivery", Json.createObjectBuilder().add("folder", "ta-fabrikam/named")
                            .add("fileNameTemplate", wrong).build()))), 400, "InvalidRequestContent");
        }
        // Or POSTed to the account's own application, signed with an HMAC of the server's delivery key, retried
        // until it takes it (here the first attempt is answered 500); then the received message is Processed.
        var deliveries = new java.util.concurrent.atomic.AtomicInteger();
        List<String[]> taken = java.util.Collections.synchronizedList(new ArrayList<>());
        var application = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        application.createContext("/in", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (deliveries.incrementAndGet() == 1) {
                    exchange.sendResponseHeaders(500, -1);
                    return;
                }
                taken.add(new String[] {new String(body, java.nio.charset.StandardCharsets.UTF_8),
                        exchange.getRequestHeaders().getFirst("X-Certvault-Signature"),
                        exchange.getRequestHeaders().getFirst("X-Certvault-Message-Id")});
                exchange.sendResponseHeaders(204, -1);
            }
        });
        application.start();
        try {
            String appUrl = "http://127.0.0.1:" + application.getAddress().getPort() + "/in";
            assertThat(record(api.put("integrationAccounts/ta-fabrikam/agreements/contoso", with(fabrikamDelivers,
                    RECEIVE + "delivery", Json.createObjectBuilder().add("url", appUrl).build()))).status())
                    .isEqualTo(200);
            JsonObject sent = awaitMessage("ta-contoso", as2Send("ta-contoso", "fabrikam", "ISA*third~\n")
                    .getString("name"), "Delivered", "Failed");
            assertThat(sent.getString("status")).isEqualTo("Delivered");
            JsonObject handedOn = awaitMessage("ta-fabrikam", as2Messages("ta-fabrikam", "direction=Outbound").stream()
                    .filter(m -> m.getString("kind").equals("Delivery")).findFirst().orElseThrow().getString("name"),
                    "Delivered", "Failed");
            assertThat(handedOn.getString("status")).as(handedOn.toString()).isEqualTo("Delivered");
            assertThat(handedOn.getInt("attempts")).isEqualTo(2);
            assertThat(taken).hasSize(1);
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(System.getProperty("certvault.it.delivery-hmac-key")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            assertThat(taken.get(0)[0]).isEqualTo("ISA*third~\n");
            assertThat(taken.get(0)[1]).isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(
                    "ISA*third~\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            assertThat(taken.get(0)[2]).isEqualTo(sent.getString("messageId"));
            JsonObject received = as2Messages("ta-fabrikam", "direction=Inbound").stream()
                    .filter(m -> m.getString("messageId").equals(sent.getString("messageId"))).findFirst().orElseThrow();
            assertThat(received.getString("status")).isEqualTo("Processed");
        } finally {
            application.stop(0);
        }

        // A folder that would climb out of the root, or on the send side, is refused when the agreement is written.
        assertError(record(api.put("integrationAccounts/ta-fabrikam/agreements/contoso", with(fabrikamDelivers,
                RECEIVE + "delivery", Json.createObjectBuilder().add("url", "file:///etc/passwd").build()))), 400,
                "InvalidRequestContent");
        for (String[] wrong : new String[][] {{RECEIVE + "delivery", "../etc"}, {RECEIVE + "delivery", "/tmp/x"},
                {SEND + "delivery", "outbox"}}) {
            assertError(record(api.put("integrationAccounts/ta-fabrikam/agreements/contoso", with(fabrikamDelivers,
                    wrong[0], Json.createObjectBuilder().add("folder", wrong[1]).build()))), 400,
                    "InvalidRequestContent");
        }
    }

    /** A partner server of the test's own: answers each POST as {@code answer} says, counting them. */
    /** What a partner server of the test's own answers: a status and a body (empty for none). */
    private record Reply(int status, byte[] body) {
    }

    private static com.sun.net.httpserver.HttpServer partnerServer(java.util.concurrent.atomic.AtomicInteger posts,
            java.util.function.Function<com.sun.net.httpserver.HttpExchange, Reply> answer) throws IOException {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/as2", exchange -> {
            try (exchange) {
                posts.incrementAndGet();
                exchange.getRequestBody().readAllBytes();
                Reply reply = answer.apply(exchange);
                exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
                exchange.getResponseBody().write(reply.body());
            }
        });
        server.start();
        return server;
    }

    private static String url(com.sun.net.httpserver.HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/as2";
    }

    /** An unsigned MDN for the message posted, with this disposition and MIC. */
    private static byte[] mdnAnswer(com.sun.net.httpserver.HttpExchange exchange, String disposition, String mic) {
        var report = io.certvault.messaging.DispositionNotification.report("test partner", "test", "Fabrikam Inc",
                exchange.getRequestHeaders().getFirst("Message-ID"), mic, disposition);
        exchange.getResponseHeaders().add("Content-Type", report.contentType());
        exchange.getResponseHeaders().add("AS2-From", "\"Fabrikam Inc\"");
        exchange.getResponseHeaders().add("AS2-To", "Contoso");
        return report.body();
    }

    @Test
    void sendsThatFailAreRetriedThenFailedWithTheReasonAndMdnsAreChecked() throws Exception {
        as2Peers("tf-contoso", "tf-fabrikam");
        String payload = "ISA*00*~\n";
        var posts = new java.util.concurrent.atomic.AtomicInteger();

        // A partner that is down: tried send-attempts (3) times with growing waits, then Failed.
        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        contosoSendsTo("tf-contoso", "http://127.0.0.1:" + closed + "/as2", "fabrikam", true);
        JsonObject down = awaitMessage("tf-contoso", as2Send("tf-contoso", "fabrikam", payload).getString("name"),
                "Failed", "Delivered");
        assertThat(down.getJsonObject("error").getString("code")).as(down.toString()).isEqualTo("PartnerUnreachable");
        assertThat(down.getInt("attempts")).isEqualTo(3);
        assertThat(as2Messages("tf-contoso", "status=Failed").get(0).getString("messageId"))
                .isEqualTo(down.getString("messageId"));

        // A partner answering 500: retried as well, then Failed; each attempt reached it.
        var failing = partnerServer(posts, exchange -> new Reply(500, new byte[0]));
        try {
            contosoSendsTo("tf-contoso", url(failing), "fabrikam", true);
            JsonObject refused = awaitMessage("tf-contoso", as2Send("tf-contoso", "fabrikam", payload)
                    .getString("name"), "Failed", "Delivered");
            assertThat(refused.getJsonObject("error").getString("code")).as(refused.toString())
                    .isEqualTo("PartnerRefused");
            assertThat(posts.get()).isEqualTo(3);
        } finally {
            failing.stop(0);
        }

        // MDNs that do not prove delivery: a wrong MIC, an error disposition, an unsigned one where signed was asked.
        String processed = io.certvault.messaging.DispositionNotification.PROCESSED;
        Object[][] cases = {
                {processed, "bm90IHRoZSBNSUM=, sha-256", false, "MdnMicMismatch"},
                {io.certvault.messaging.DispositionNotification.failed("decryption-failed"), null, false,
                        "MdnDispositionFailed"},
                {processed, null, true, "InsufficientMessageSecurity"}};
        for (Object[] mdnCase : cases) {
            var partner = partnerServer(posts, exchange -> new Reply(200, mdnAnswer(exchange, (String) mdnCase[0],
                    (String) mdnCase[1])));
            try {
                contosoSendsTo("tf-contoso", url(partner), "fabrikam", (Boolean) mdnCase[2]);
                JsonObject settled = awaitMessage("tf-contoso", as2Send("tf-contoso", "fabrikam", payload)
                        .getString("name"), "Failed", "Delivered");
                assertThat(settled.getString("status")).as(settled.toString()).isEqualTo("Failed");
                assertThat(settled.getJsonObject("error").getString("code")).isEqualTo(mdnCase[3]);
                assertThat(settled.getInt("attempts")).as("an MDN is an answer: not retried").isEqualTo(1);
            } finally {
                partner.stop(0);
            }
        }

        // A real partner whose signed MDN Contoso verifies with the wrong certificate (its own): not believed.
        JsonObject fabrikam = agreementBody("fabrikam", "Fabrikam Inc", "contoso", "Contoso", "rsa", "contoso",
                "contoso", "rsa");
        assertThat(record(api.put("integrationAccounts/tf-fabrikam/agreements/contoso", fabrikam)).status())
                .isEqualTo(201);
        contosoSendsTo("tf-contoso", as2Endpoint("tf-fabrikam"), "ec", true);
        String wrongKeyId = as2Send("tf-contoso", "fabrikam", payload).getString("name");
        JsonObject wrongKey = awaitMessage("tf-contoso", wrongKeyId, "Failed", "Delivered");
        assertThat(wrongKey.getJsonObject("error").getString("code")).as(wrongKey.toString())
                .isIn("SignerUnknown", "SignatureInvalid");

        // Mended, the failed message is sent again as it was, and delivered.
        contosoSendsTo("tf-contoso", as2Endpoint("tf-fabrikam"), "fabrikam", true);
        assertThat(record(api.post("integrationAccounts/tf-contoso/as2/messages/" + wrongKeyId + "/resend",
                JsonObject.EMPTY_JSON_OBJECT)).status()).isEqualTo(202);
        JsonObject mended = awaitMessage("tf-contoso", wrongKeyId, "Delivered", "Failed");
        assertThat(mended.getString("status")).as(mended.toString()).isEqualTo("Delivered");
        assertThat(mended.getString("messageId")).isEqualTo(wrongKey.getString("messageId"));

        // An https partner whose server certificate is its own (self-signed): not trusted by the JVM's CAs, so the
        // sends fail; trusted once the agreement names that certificate (uploaded to the account) for TLS.
        Path tls = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "partner-tls-");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        for (String[] command : new String[][] {
                {keytool, "-genkeypair", "-alias", "partner", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                        "-dname", "CN=partner.example", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                        "-keystore", "tls.p12", "-storepass", "tls-store", "-keypass", "tls-store"},
                {keytool, "-exportcert", "-alias", "partner", "-keystore", "tls.p12", "-storepass", "tls-store",
                        "-file", "tls.cer"}}) {
            Process process = new ProcessBuilder(command).directory(tls.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor()).as(output).isZero();
        }
        java.security.KeyStore tlsStore = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(tls.resolve("tls.p12"))) {
            tlsStore.load(in, "tls-store".toCharArray());
        }
        var keys = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keys.init(tlsStore, "tls-store".toCharArray());
        var tlsContext = javax.net.ssl.SSLContext.getInstance("TLS");
        tlsContext.init(keys.getKeyManagers(), null, null);
        var https = com.sun.net.httpserver.HttpsServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tlsContext));
        var tlsPosts = new java.util.concurrent.atomic.AtomicInteger();
        https.createContext("/as2", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                tlsPosts.incrementAndGet();
                exchange.sendResponseHeaders(200, -1);
            }
        });
        https.start();
        try {
            assertThat(putCertificate("tf-contoso", "partner-tls", Base64.getEncoder().encodeToString(
                    Files.readAllBytes(tls.resolve("tls.cer"))), null).status()).isEqualTo(201);
            String httpsUrl = "https://127.0.0.1:" + https.getAddress().getPort() + "/as2";
            JsonObject noMdn = with(agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam Inc", "rsa", "fabrikam",
                    "fabrikam", "rsa"), SEND + "protocolSettings.mdnSettings.needMDN", jakarta.json.JsonValue.FALSE);
            for (boolean trusting : new boolean[] {false, true}) {
                var endpoint = Json.createObjectBuilder().add("url", httpsUrl);
                if (trusting) {
                    endpoint.add("trustedCertificateName", "partner-tls");
                }
                assertThat(record(api.put("integrationAccounts/tf-contoso/agreements/fabrikam", with(noMdn,
                        SEND + "partnerEndpoint", endpoint.build()))).status()).isEqualTo(200);
                JsonObject settled = awaitMessage("tf-contoso", as2Send("tf-contoso", "fabrikam", payload)
                        .getString("name"), "Delivered", "Failed");
                if (trusting) {
                    assertThat(settled.getString("status")).as(settled.toString()).isEqualTo("Delivered");
                    assertThat(tlsPosts.get()).isEqualTo(1);
                } else {
                    assertThat(settled.getJsonObject("error").getString("code")).as(settled.toString())
                            .isEqualTo("PartnerUnreachable");
                    assertThat(tlsPosts.get()).as("no request got through the handshake").isZero();
                }
            }
            assertError(record(api.put("integrationAccounts/tf-contoso/agreements/fabrikam", with(noMdn,
                    SEND + "partnerEndpoint", Json.createObjectBuilder().add("url", "http://127.0.0.1:1/as2")
                            .add("trustedCertificateName", "partner-tls").build()))), 400, "InvalidRequestContent");
            assertError(record(api.put("integrationAccounts/tf-contoso/agreements/fabrikam", with(noMdn,
                    SEND + "partnerEndpoint", Json.createObjectBuilder().add("url", httpsUrl)
                            .add("trustedCertificateName", "nobody").build()))), 400, "InvalidRequestContent");
        } finally {
            https.stop(0);
        }

        // A partner whose AS2 server wants HTTP Basic: the password comes from the server's configuration
        // (certvault.as2.partner-password.tf-fabrikam), never from the agreement; one that is not set fails the send.
        String expected = "Basic " + Base64.getEncoder().encodeToString(("certvault:" + System.getProperty(
                "certvault.it.partner-password")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var authorized = new java.util.concurrent.atomic.AtomicInteger();
        var guarded = partnerServer(posts, exchange -> {
            boolean ok = expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            if (ok) {
                authorized.incrementAndGet();
            }
            return new Reply(ok ? 200 : 401, new byte[0]);
        });
        try {
            JsonObject noMdnAgreement = with(agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam Inc", "rsa",
                    "fabrikam", "fabrikam", "rsa"), SEND + "protocolSettings.mdnSettings.needMDN",
                    jakarta.json.JsonValue.FALSE);
            for (String passwordName : List.of("tf-fabrikam", "not-configured")) {
                var saved = record(api.put("integrationAccounts/tf-contoso/agreements/fabrikam", with(noMdnAgreement,
                        SEND + "partnerEndpoint", Json.createObjectBuilder().add("url", url(guarded))
                                .add("username", "certvault").add("passwordName", passwordName).build())));
                assertThat(saved.status()).as(saved.body()).isEqualTo(200);
                assertThat(saved.body()).doesNotContain(System.getProperty("certvault.it.partner-password"));
                JsonObject settled = awaitMessage("tf-contoso", as2Send("tf-contoso", "fabrikam", payload)
                        .getString("name"), "Delivered", "Failed");
                if (passwordName.equals("tf-fabrikam")) {
                    assertThat(settled.getString("status")).as(settled.toString()).isEqualTo("Delivered");
                    assertThat(authorized.get()).isEqualTo(1);
                } else {
                    assertThat(settled.getJsonObject("error").getString("message")).as(settled.toString())
                            .contains("certvault.as2.partner-password.not-configured");
                }
            }
            assertError(record(api.put("integrationAccounts/tf-contoso/agreements/fabrikam", with(noMdnAgreement,
                    SEND + "partnerEndpoint", Json.createObjectBuilder().add("url", url(guarded))
                            .add("username", "certvault").build()))), 400, "InvalidRequestContent");
        } finally {
            guarded.stop(0);
        }

        // An agreement without a partner endpoint cannot send; neither can an agreement that is not there.
        JsonObject noEndpoint = agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam Inc", "rsa", "fabrikam",
                "fabrikam", "rsa");
        assertThat(record(api.put("integrationAccounts/tf-contoso/agreements/fabrikam", noEndpoint)).status())
                .isEqualTo(200);
        assertError(record(api.post("integrationAccounts/tf-contoso/agreements/fabrikam/send",
                JsonObject.EMPTY_JSON_OBJECT)), 400, "InvalidRequestContent");
        assertError(record(api.post("integrationAccounts/tf-contoso/agreements/nobody/send",
                JsonObject.EMPTY_JSON_OBJECT)), 404, "AgreementNotFound");
        assertError(record(api.put("integrationAccounts/tf-contoso/agreements/fabrikam", with(noEndpoint,
                SEND + "partnerEndpoint", Json.createObjectBuilder().add("url", "ftp://partner").build()))), 400,
                "InvalidRequestContent");
        assertError(record(api.put("integrationAccounts/tf-contoso/agreements/fabrikam", with(noEndpoint,
                RECEIVE + "partnerEndpoint", Json.createObjectBuilder().add("url", "http://partner/as2").build()))),
                400, "InvalidRequestContent");
    }

    /**
     * A partner CA made with openssl (root, intermediate, and {@code openssl ca} for the partners' certificates):
     * certificates uploaded with their chain validate up to the root marked as trust anchor; {@code openssl ocsp}
     * answers for revocation, a CRL served over HTTP by the test when the responder is down, an uploaded CRL when
     * both are; an unreachable source is a warning or a failure as asked; agreements that check revocation refuse
     * to send to a revoked certificate and refuse a message signed with one.
     */
    @Test
    void certificatesWithChainsValidateToTrustAnchorsAndRevocationIsCheckedByOcspAndCrl() throws Exception {
        Path ca = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "pki");
        var crlServer = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        crlServer.createContext("/intermediate.crl", exchange -> {
            byte[] crl = Files.readAllBytes(ca.resolve("intermediate.crl.der"));
            exchange.getResponseHeaders().add("Content-Type", "application/pkix-crl");
            exchange.sendResponseHeaders(200, crl.length);
            exchange.getResponseBody().write(crl);
            exchange.close();
        });
        crlServer.start();
        int ocspPort = freePort();
        int closedPort = freePort();
        Process responder = null;
        try {
            Files.writeString(ca.resolve("ca.cnf"), String.join("\n", "[ca]", "default_ca = intermediate",
                    "[intermediate]", "dir = .", "database = index.txt", "new_certs_dir = .", "serial = serial",
                    "crlnumber = crlnumber", "default_md = sha256", "policy = any", "default_days = 30",
                    "default_crl_days = 1", "unique_subject = no", "[any]", "commonName = supplied", "[leaf]",
                    "basicConstraints = CA:FALSE", "keyUsage = critical,digitalSignature,keyEncipherment",
                    "crlDistributionPoints = URI:http://127.0.0.1:" + crlServer.getAddress().getPort()
                            + "/intermediate.crl",
                    "authorityInfoAccess = OCSP;URI:http://127.0.0.1:" + ocspPort + "/",
                    "[unreachable]", "basicConstraints = CA:FALSE",
                    "crlDistributionPoints = URI:http://127.0.0.1:" + closedPort + "/none.crl",
                    "authorityInfoAccess = OCSP;URI:http://127.0.0.1:" + closedPort + "/",
                    "[intermediate_ca]", "basicConstraints = critical,CA:TRUE",
                    "keyUsage = critical,keyCertSign,cRLSign", ""));
            Files.writeString(ca.resolve("index.txt"), "");
            Files.writeString(ca.resolve("serial"), "1000\n");
            Files.writeString(ca.resolve("crlnumber"), "1000\n");
            OpenSsl.run(ca, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem",
                    "-subj", "/CN=Partner Root CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            OpenSsl.run(ca, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "intermediate.key", "-out",
                    "intermediate.csr", "-subj", "/CN=Partner Intermediate CA");
            OpenSsl.run(ca, "x509", "-req", "-in", "intermediate.csr", "-CA", "root.pem", "-CAkey", "root.key",
                    "-CAcreateserial", "-days", "30", "-extfile", "ca.cnf", "-extensions", "intermediate_ca", "-out",
                    "intermediate.pem");
            for (String partner : List.of("good", "revoked", "unreachable")) {
                OpenSsl.run(ca, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", partner + ".key", "-out",
                        partner + ".csr", "-subj", "/CN=Fabrikam " + partner);
                OpenSsl.run(ca, "ca", "-batch", "-config", "ca.cnf", "-cert", "intermediate.pem", "-keyfile",
                        "intermediate.key", "-extensions", partner.equals("unreachable") ? "unreachable" : "leaf",
                        "-in", partner + ".csr", "-out", partner + ".pem", "-notext");
            }
            OpenSsl.run(ca, "ca", "-config", "ca.cnf", "-cert", "intermediate.pem", "-keyfile", "intermediate.key",
                    "-revoke", "revoked.pem", "-crl_reason", "keyCompromise");
            OpenSsl.run(ca, "ca", "-config", "ca.cnf", "-cert", "intermediate.pem", "-keyfile", "intermediate.key",
                    "-gencrl", "-out", "intermediate.crl");
            OpenSsl.run(ca, "crl", "-in", "intermediate.crl", "-outform", "DER", "-out", "intermediate.crl.der");
            responder = new ProcessBuilder("openssl", "ocsp", "-index", "index.txt", "-port", String.valueOf(ocspPort),
                    "-rsigner", "intermediate.pem", "-rkey", "intermediate.key", "-CA", "intermediate.pem",
                    "-ignore_err").directory(ca.toFile()).redirectErrorStream(true)
                    .redirectOutput(ca.resolve("ocsp.log").toFile()).start();
            awaitPort(ocspPort);
            String intermediatePem = Files.readString(ca.resolve("intermediate.pem"));

            as2Peers("pki-contoso", "pki-fabrikam");
            String base = "integrationAccounts/pki-contoso/certificates/";
            var root = record(api.put(base + "partner-root", Json.createObjectBuilder().add("properties", Json
                    .createObjectBuilder().add("publicCertificate", Files.readString(ca.resolve("root.pem")))
                    .add("trustAnchor", true)).build()));
            assertThat(root.status()).as(root.body()).isEqualTo(201);
            assertThat(root.json().getJsonObject("properties").getBoolean("trustAnchor")).isTrue();
            for (String partner : List.of("good", "revoked")) {
                // The intermediate first: the bundle is put in order from the certificate up.
                var put = putCertificate("pki-contoso", "fabrikam-" + partner, intermediatePem
                        + Files.readString(ca.resolve(partner + ".pem")), null);
                assertThat(put.status()).as(put.body()).isEqualTo(201);
                JsonObject properties = put.json().getJsonObject("properties");
                assertThat(properties.getString("subject")).contains("Fabrikam " + partner);
                assertThat(properties.getJsonArray("chain")).hasSize(1);
                assertThat(properties.getBoolean("trustAnchor")).isFalse();
            }
            assertError(putCertificate("pki-contoso", "mixed", Files.readString(ca.resolve("good.pem"))
                    + Files.readString(ca.resolve("root.pem")) + TestCertificates.pem(TestCertificates.selfSigned(
                            TestCertificates.rsa(2048), "stranger")), null), 400, "InvalidCertificate");

            // Valid up to the anchor; the responder says it is good.
            JsonObject good = api.get(base + "fabrikam-good/validation?use=signing").json();
            assertThat(good.getBoolean("valid")).as(good.toString()).isTrue();
            assertThat(good.getJsonArray("path")).hasSize(3);
            assertThat(check(good, "trust").getString("outcome")).isEqualTo("passed");
            assertThat(check(good, "revocation").getString("reason")).contains("OCSP http://127.0.0.1:" + ocspPort);
            JsonObject revoked = api.get(base + "fabrikam-revoked/validation").json();
            assertThat(revoked.getBoolean("valid")).isFalse();
            assertThat(check(revoked, "revocation").getString("code")).isEqualTo("CertificateRevoked");
            assertThat(check(revoked, "revocation").getString("reason")).contains("KEY_COMPROMISE");
            // Without the root marked as trust anchor there is no trust.
            JsonObject untrusted = api.get("integrationAccounts/pki-contoso/certificates/fabrikam/validation").json();
            assertThat(check(untrusted, "trust").getString("code")).isEqualTo("NoTrustAnchor");
            assertError(api.get(base + "fabrikam-good/validation?use=stamping"), 400, "InvalidRequestContent");

            // An agreement that checks revocation refuses to encrypt to the revoked certificate...
            JsonObject agreement = agreementBody("contoso", "Contoso", "fabrikam", "Fabrikam Inc", "rsa",
                    "fabrikam-revoked", "fabrikam-revoked", "rsa");
            String validation = "properties.content.aS2.%s.protocolSettings.validationSettings.";
            agreement = with(agreement, String.format(validation, "sendAgreement")
                    + "checkCertificateRevocationListOnSend", jakarta.json.JsonValue.TRUE);
            agreement = with(agreement, String.format(validation, "receiveAgreement")
                    + "checkCertificateRevocationListOnReceive", jakarta.json.JsonValue.TRUE);
            agreement = with(agreement, String.format(validation, "receiveAgreement") + "encryptMessage",
                    jakarta.json.JsonValue.FALSE);
            assertThat(record(api.put("integrationAccounts/pki-contoso/agreements/fabrikam", agreement)).status())
                    .isEqualTo(201);
            var refused = record(api.send(java.net.http.HttpRequest.newBuilder(api.uri(
                    "integrationAccounts/pki-contoso/as2/encode")).header("Content-Type", "application/edi-x12")
                    .header("AS2-From", "Contoso").header("AS2-To", "Fabrikam Inc")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("UNB+UNOA:1"))));
            assertError(refused, 400, "CertificateRevoked");
            assertThat(refused.errorMessage()).contains("fabrikam-revoked").contains("encrypt");

            // ...and a message signed with it: Fabrikam signs with the revoked key, imported into its vault.
            assertThat(api.put("vaults/default/keys/pki-fabrikam-revoked", Json.createObjectBuilder()
                    .add("key", Files.readString(ca.resolve("revoked.key"))).build()).status()).isIn(200, 201);
            assertThat(putCertificate("pki-fabrikam", "revoked", Files.readString(ca.resolve("revoked.pem"))
                    + intermediatePem, null, keyReference("default", "pki-fabrikam-revoked", null)).status())
                    .isEqualTo(201);
            JsonObject theirs = with(agreementBody("fabrikam", "Fabrikam Inc", "contoso", "Contoso", "revoked",
                    "contoso", "contoso", "rsa"), String.format(validation, "sendAgreement") + "encryptMessage",
                    jakarta.json.JsonValue.FALSE);
            assertThat(record(api.put("integrationAccounts/pki-fabrikam/agreements/contoso", theirs)).status())
                    .isEqualTo(201);
            var encoded = as2Encode("pki-fabrikam", "Fabrikam Inc", "Contoso", "UNB+UNOA:1");
            var decoded = as2Decode("pki-contoso", encoded, encoded.body());
            assertThat(decoded.status()).as(decoded.body()).isEqualTo(400);
            assertThat(decoded.json().getString("disposition")).endsWith("processed/error: authentication-failed");
            assertThat(decoded.body()).contains("CertificateRevoked").contains("'fabrikam-revoked'");
            assertThat(record(api.put("integrationAccounts/pki-contoso/agreements/fabrikam", with(agreement,
                    String.format(validation, "receiveAgreement") + "checkCertificateRevocationListOnReceive",
                    jakarta.json.JsonValue.FALSE))).status()).isEqualTo(200);
            assertThat(as2Decode("pki-contoso", encoded, encoded.body()).json().getString("disposition"))
                    .as("the same message without the check").endsWith("; processed");

            // The responder goes away: the CRL from the distribution point answers.
            responder.destroy();
            responder.waitFor();
            JsonObject byCrl = api.get(base + "fabrikam-revoked/validation").json();
            assertThat(check(byCrl, "revocation").getString("reason")).contains("CRL http://127.0.0.1:");
            assertThat(byCrl.getBoolean("valid")).isFalse();

            // A certificate whose sources are not reachable: a warning on soft fail, a failure on hard fail...
            String unreachable = base + "fabrikam-unreachable/validation";
            assertThat(putCertificate("pki-contoso", "fabrikam-unreachable", intermediatePem
                    + Files.readString(ca.resolve("unreachable.pem")), null).status()).isEqualTo(201);
            JsonObject soft = api.get(unreachable + "?revocationFailure=soft-fail").json();
            assertThat(soft.getBoolean("valid")).as(soft.toString()).isTrue();
            assertThat(check(soft, "revocation").getString("outcome")).isEqualTo("warning");
            JsonObject hard = api.get(unreachable + "?revocationFailure=hard-fail").json();
            assertThat(hard.getBoolean("valid")).isFalse();
            assertThat(check(hard, "revocation").getString("code")).isEqualTo("RevocationUnknown");

            // ...until the CA's CRL is uploaded for the intermediate, which must have signed it.
            assertThat(putCertificate("pki-contoso", "partner-intermediate", intermediatePem, null).status())
                    .isEqualTo(201);
            byte[] crl = Files.readAllBytes(ca.resolve("intermediate.crl.der"));
            assertError(record(putCrl("pki-contoso", "partner-root", crl)), 400, "InvalidCrl");
            var uploaded = record(putCrl("pki-contoso", "partner-intermediate", crl));
            assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(200);
            assertThat(uploaded.json().getJsonArray("revokedSerials")).hasSize(1);
            JsonObject withCrl = api.get(unreachable + "?revocationFailure=hard-fail").json();
            assertThat(withCrl.getBoolean("valid")).as(withCrl.toString()).isTrue();
            assertThat(check(withCrl, "revocation").getString("reason")).contains("uploaded CRL");
            assertThat(api.get(base + "partner-intermediate/crl").json().getString("nextUpdate")).isNotBlank();
            assertThat(api.delete(base + "partner-intermediate/crl").status()).isEqualTo(200);
            assertError(api.get(base + "partner-intermediate/crl"), 404, "CrlNotFound");
        } finally {
            if (responder != null) {
                responder.destroy();
            }
            crlServer.stop(0);
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Waits (up to 20 s) for a server started by the test to listen on the port. */
    private static void awaitPort(int port) throws InterruptedException {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < until) {
            try (var socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listens on port " + port);
    }

    private static JsonObject check(JsonObject validation, String name) {
        return validation.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("check").equals(name)).findFirst().orElseThrow();
    }

    private ApiClient.Reply putCrl(String account, String certificate, byte[] crl) {
        return api.send(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/" + account
                + "/certificates/" + certificate + "/crl")).header("Content-Type", "application/pkix-crl")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(crl)));
    }

    /**
     * Certificates that expire within the thresholds (30, 14, 7, 1 days) or have expired are told once per
     * certificate and threshold: to the webhook (JSON, HMAC-signed, retried after a failure with the same delivery
     * id) and by e-mail (to GreenMail, an SMTP server the test runs); a certificate replaced by another is told
     * again; health and metrics count the certificates agreements use.
     */
    @Test
    void expiringCertificatesAreNotifiedOncePerThresholdByWebhookAndEmail() throws Exception {
        int webhookPort = Integer.parseInt(System.getProperty("expiry.webhook.port"));
        int smtpPort = Integer.parseInt(System.getProperty("expiry.smtp.port"));
        List<JsonObject> notices = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> deliveries = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.Set<String> refusedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
        byte[] secret = System.getProperty("certvault.it.secrets").split(",")[3]
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var webhook = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1",
                webhookPort), 0);
        webhook.createContext("/certificate-notices", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String delivery = exchange.getRequestHeaders().getFirst("X-Certvault-Delivery");
            String signature = exchange.getRequestHeaders().getFirst("X-Certvault-Signature");
            JsonObject notice = Json.createReader(new java.io.ByteArrayInputStream(body)).readObject();
            int status = 204;
            if (!("sha256=" + hmacHex(secret, body)).equals(signature)) {
                status = 401;
            } else if (notice.getString("account").equals("expiring") && refusedOnce.add(delivery)) {
                status = 503; // each notice of the test's account fails once, then goes through
            }
            if (notice.getString("account").equals("expiring")) {
                deliveries.add(delivery + " " + status);
                if (status == 204) {
                    notices.add(notice);
                }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        webhook.start();
        var smtp = new com.icegreen.greenmail.util.GreenMail(new com.icegreen.greenmail.util.ServerSetup(smtpPort,
                "127.0.0.1", "smtp"));
        smtp.start();
        try {
            tradingAccount("expiring");
            Instant now = Instant.now();
            String base = "integrationAccounts/expiring/certificates/";
            // The agreement first, so that no expiry round sees the expiring certificate without it.
            var agreement = record(api.put("integrationAccounts/expiring/agreements/with-fabrikam", agreementBody(
                    "contoso", "Contoso", "fabrikam", "Fabrikam", "rsa", "fabrikam", "fabrikam", "rsa")));
            assertThat(agreement.status()).as(agreement.body()).isEqualTo(201);
            assertThat(putCertificate("expiring", "fabrikam", TestCertificates.base64(TestCertificates.selfSigned(
                    TestCertificates.rsa(2048), "fabrikam", now.minus(java.time.Duration.ofDays(300)),
                    now.plus(java.time.Duration.ofDays(5)))), null).status()).isEqualTo(200);
            assertThat(putCertificate("expiring", "later", TestCertificates.base64(TestCertificates.selfSigned(
                    TestCertificates.rsa(2048), "later", now.minus(java.time.Duration.ofDays(300)),
                    now.plus(java.time.Duration.ofDays(20)))), null).status()).isEqualTo(201);
            assertThat(putCertificate("expiring", "gone", TestCertificates.base64(TestCertificates.selfSigned(
                    TestCertificates.rsa(2048), "gone", now.minus(java.time.Duration.ofDays(300)),
                    now.minus(java.time.Duration.ofDays(2)))), null).status()).isEqualTo(201);

            awaitTrue(() -> notices.size() >= 3, "three notices, each after one refusal: " + deliveries);
            JsonObject soon = notice(notices, "fabrikam");
            assertThat(soon.getString("event")).isEqualTo("certificate.expiring");
            assertThat(soon.getInt("thresholdDays")).as("the smallest threshold crossed").isEqualTo(7);
            assertThat(soon.getJsonArray("agreements").getString(0)).isEqualTo("with-fabrikam");
            assertThat(notice(notices, "later").getInt("thresholdDays")).isEqualTo(30);
            assertThat(notice(notices, "gone").getString("event")).isEqualTo("certificate.expired");
            assertThat(notice(notices, "gone").getInt("thresholdDays")).isZero();
            // Each was refused once and delivered on the retry, under the same delivery id.
            String id = soon.getString("id");
            assertThat(deliveries).contains(id + " 503", id + " 204");

            java.util.function.Supplier<List<String>> mailsOf = () -> Stream.of(smtp.getReceivedMessages())
                    .map(message -> {
                        try {
                            return message.getSubject() + "\n" + com.icegreen.greenmail.util.GreenMailUtil
                                    .getBody(message) + "\nTo: " + message.getAllRecipients()[0];
                        } catch (jakarta.mail.MessagingException e) {
                            throw new IllegalStateException(e);
                        }
                    }).filter(text -> text.contains("expiring/")).toList();
            awaitTrue(() -> mailsOf.get().size() >= 3, "three e-mails");
            List<String> mails = mailsOf.get();
            assertThat(mails).anySatisfy(text -> assertThat(text)
                    .startsWith("Certificate expires within 7 day(s): expiring/fabrikam")
                    .contains("with-fabrikam").contains("To: pki-team@contoso.example"));
            assertThat(mails).anySatisfy(text -> assertThat(text).startsWith("Certificate expired: expiring/gone"));

            // More rounds tell nothing again; a replaced certificate (a new thumbprint) is told afresh.
            Thread.sleep(5000);
            assertThat(notices).hasSize(3);
            assertThat(putCertificate("expiring", "later", TestCertificates.base64(TestCertificates.selfSigned(
                    TestCertificates.rsa(2048), "later", now.minus(java.time.Duration.ofDays(300)),
                    now.plus(java.time.Duration.ofHours(12)))), null).status()).isEqualTo(200);
            awaitTrue(() -> notices.size() >= 4, "the replaced certificate's notice");
            assertThat(notices.get(3).getString("certificate")).isEqualTo("later");
            assertThat(notices.get(3).getInt("thresholdDays")).isEqualTo(1);

            // A switch-over is told too: the partner's new certificate takes over from the expiring one.
            assertThat(putCertificate("expiring", "fabrikam-next", TestCertificates.base64(TestCertificates.selfSigned(
                    TestCertificates.rsa(2048), "fabrikam-next")), null).status()).isEqualTo(201);
            assertThat(record(api.put(base + "fabrikam/rollover", rolloverBody("fabrikam-next", now))).status())
                    .isEqualTo(200);
            awaitTrue(() -> notices.size() >= 5, "the switch-over's notice");
            JsonObject switched = notices.get(4);
            assertThat(switched.getString("event")).isEqualTo("certificate.switched");
            assertThat(switched.getString("certificate")).isEqualTo("fabrikam-next");
            assertThat(switched.getString("predecessor")).isEqualTo("fabrikam");
            assertThat(switched.getJsonArray("agreements").getString(0)).isEqualTo("with-fabrikam");
            awaitTrue(() -> mailsOf.get().stream().anyMatch(m -> m.startsWith(
                    "Certificate switched over: expiring/fabrikam -> fabrikam-next")), "the switch-over's e-mail");

            // Health (open, counts only) and metrics count what agreements use.
            URI root = api.uri("/").resolve("/");
            JsonObject certificates = Json.createReader(new java.io.StringReader(api.getAbsolute(root.resolve(
                    "health/ready").toString()).body())).readObject().getJsonArray("checks")
                    .getValuesAs(JsonObject.class).stream().filter(c -> c.getString("name").equals("certificates"))
                    .findFirst().orElseThrow();
            assertThat(certificates.getString("status")).isEqualTo("UP");
            // Payara writes health data as strings, other servers as numbers.
            assertThat(Long.parseLong(certificates.getJsonObject("data").get("expiringInUse").toString()
                    .replace("\"", ""))).isPositive();
            assertThat(certificates.toString()).doesNotContain("fabrikam");
            var metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + deploymentUrl.getPort() + "/metrics?scope=application")).GET()
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).containsPattern("certvault_certificates_nearest_expiry_days\\S* [0-4](\\.0)?\\b");
        } finally {
            webhook.stop(0);
            smtp.stop();
        }
    }

    private static JsonObject notice(List<JsonObject> notices, String certificate) {
        synchronized (notices) {
            return notices.stream().filter(n -> n.getString("certificate").equals(certificate)).findFirst()
                    .orElseThrow(() -> new AssertionError("no notice for " + certificate + " in " + notices));
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("waited 30 s for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static String hmacHex(byte[] key, byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Rotation without downtime: our certificate is renewed in one action (a new key version, a certificate like
     * the current one, its switch-over scheduled), the partner puts our new certificate as the successor of the
     * old; before the switch-over messages are signed with the old one, after it with the new one, and a message
     * signed with the old one is still received; the switch-over is on the audit trail.
     */
    @Test
    void certificatesAreRenewedAndRolledOverWithoutDowntime() throws Exception {
        as2Peers("rot-contoso", "rot-fabrikam");
        assertThat(record(api.put("integrationAccounts/rot-contoso/agreements/fabrikam", agreementBody("contoso",
                "Contoso", "fabrikam", "Fabrikam Inc", "rsa", "fabrikam", "fabrikam", "rsa"))).status()).isEqualTo(201);
        assertThat(record(api.put("integrationAccounts/rot-fabrikam/agreements/contoso", agreementBody("fabrikam",
                "Fabrikam Inc", "contoso", "Contoso", "rsa", "contoso", "contoso", "rsa"))).status()).isEqualTo(201);
        String ours = "integrationAccounts/rot-contoso/certificates/";
        String theirs = "integrationAccounts/rot-fabrikam/certificates/";
        JsonObject current = api.get(ours + "rsa").json().getJsonObject("properties");

        // One action: a new key version, a certificate saying what the current one says, the switch-over in an hour.
        Instant later = Instant.now().plus(java.time.Duration.ofHours(1));
        var renewed = record(api.post(ours + "rsa/renew", Json.createObjectBuilder().add("properties", Json
                .createObjectBuilder().add("successor", "rsa-next").add("switchOverTime", later.toString())).build()));
        assertThat(renewed.status()).as(renewed.body()).isEqualTo(201);
        JsonObject next = renewed.json().getJsonObject("properties");
        assertThat(next.getString("subject")).isEqualTo(current.getString("subject"));
        assertThat(next.getString("thumbprint")).isNotEqualTo(current.getString("thumbprint"));
        assertThat(next.getJsonObject("key").getString("keyName"))
                .isEqualTo(current.getJsonObject("key").getString("keyName"));
        JsonObject rollover = api.get(ours + "rsa").json().getJsonObject("properties").getJsonObject("rollover");
        assertThat(rollover.getString("successor")).isEqualTo("rsa-next");
        assertThat(rollover.getBoolean("switchedOver")).isFalse();
        // The partner gets our new certificate and makes it the successor of the one it has.
        assertThat(putCertificate("rot-fabrikam", "contoso-next", next.getString("publicCertificate"), null).status())
                .isEqualTo(201);
        assertThat(record(api.put(theirs + "contoso/rollover", rolloverBody("contoso-next", later))).status())
                .isEqualTo(200);

        // Before the switch-over: signed with the current certificate.
        var before = as2Encode("rot-contoso", "Contoso", "Fabrikam Inc", "UNB+UNOA:1+BEFORE");
        var received = as2Decode("rot-fabrikam", before, before.body());
        assertThat(received.status()).as(received.body()).isEqualTo(200);
        assertThat(received.json().getString("signedBy")).isEqualTo("contoso");

        // The switch-over (brought forward to now on both sides): signed with the successor, verified with it.
        assertThat(record(api.put(ours + "rsa/rollover", rolloverBody("rsa-next", Instant.now()))).status())
                .isEqualTo(200);
        assertThat(record(api.put(theirs + "contoso/rollover", rolloverBody("contoso-next", Instant.now()))).status())
                .isEqualTo(200);
        var after = as2Encode("rot-contoso", "Contoso", "Fabrikam Inc", "UNB+UNOA:1+AFTER");
        var receivedAfter = as2Decode("rot-fabrikam", after, after.body());
        assertThat(receivedAfter.status()).as(receivedAfter.body()).isEqualTo(200);
        assertThat(receivedAfter.json().getString("signedBy")).isEqualTo("contoso-next");
        // A message signed before the switch-over, still on its way, is accepted while the old one is valid.
        assertThat(as2Decode("rot-fabrikam", before, before.body()).json().getString("signedBy")).isEqualTo("contoso");

        // The switch-over is recorded once, by the system, with the next expiry round.
        awaitTrue(() -> api.get("auditEvents?operation=certificates/switchOver&account=rot-contoso").json()
                .getJsonArray("value").size() == 1, "the switch-over on the audit trail");
        assertThat(api.get("auditEvents?operation=certificates/switchOver&account=rot-contoso").body())
                .contains("system:certificate-rollover").contains("Succeeded");
        assertThat(api.get(ours + "rsa").json().getJsonObject("properties").getJsonObject("rollover")
                .getBoolean("switchedOver")).isTrue();

        // Refusals: itself, a public successor for a private certificate, none, renewing a partner's certificate.
        assertError(record(api.put(ours + "rsa/rollover", rolloverBody("rsa", null))), 400, "InvalidRequestContent");
        assertError(record(api.put(ours + "rsa/rollover", rolloverBody("fabrikam", null))), 400,
                "InvalidRequestContent");
        assertError(record(api.put(ours + "rsa/rollover", rolloverBody("missing", null))), 400,
                "InvalidRequestContent");
        assertError(record(api.post(ours + "fabrikam/renew", Json.createObjectBuilder().build())), 400,
                "CertificateNotPrivate");
        assertError(record(api.put(ours + "rsa-next/rollover", rolloverBody("rsa", null))), 400,
                "InvalidRequestContent");

        // Through a CA: the renewal is a certificate request; the CA's answer completes it and schedules the rollover.
        var requested = record(api.post(ours + "rsa-next/renew", Json.createObjectBuilder().add("properties", Json
                .createObjectBuilder().add("successor", "rsa-ca").add("throughCa", true)
                .add("switchOverTime", later.toString())).build()));
        assertThat(requested.status()).as(requested.body()).isEqualTo(201);
        JsonObject request = requested.json().getJsonObject("properties");
        assertThat(request.getString("state")).isEqualTo("Pending");
        assertThat(request.getString("renews")).isEqualTo("rsa-next");
        Path ca = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "renewal-ca");
        Files.writeString(ca.resolve("rsa-ca.csr"), request.getString("csr"));
        OpenSsl.run(ca, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-subj", "/CN=Renewal CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE");
        OpenSsl.run(ca, "x509", "-req", "-in", "rsa-ca.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "30", "-out", "rsa-ca.pem");
        var completed = record(api.post("integrationAccounts/rot-contoso/certificateRequests/rsa-ca/complete",
                Json.createObjectBuilder().add("properties", Json.createObjectBuilder().add("certificate",
                        Files.readString(ca.resolve("rsa-ca.pem")) + Files.readString(ca.resolve("ca.pem")))).build()));
        assertThat(completed.status()).as(completed.body()).isEqualTo(201);
        JsonObject renewedByCa = api.get(ours + "rsa-next").json().getJsonObject("properties").getJsonObject("rollover");
        assertThat(renewedByCa.getString("successor")).isEqualTo("rsa-ca");
        assertThat(Instant.parse(renewedByCa.getString("switchOverTime"))).isEqualTo(later.truncatedTo(
                java.time.temporal.ChronoUnit.MILLIS));

        // Cancelled: the certificate is sent with again.
        var cancelled = record(api.delete(ours + "rsa/rollover"));
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().getJsonObject("properties").containsKey("rollover")).isFalse();
        var again = as2Encode("rot-contoso", "Contoso", "Fabrikam Inc", "UNB+UNOA:1+AGAIN");
        assertThat(as2Decode("rot-fabrikam", again, again.body()).json().getString("signedBy")).isEqualTo("contoso");
    }

    private static JsonObject rolloverBody(String successor, Instant at) {
        var properties = Json.createObjectBuilder().add("successor", successor);
        if (at != null) {
            properties.add("switchOverTime", at.toString());
        }
        return Json.createObjectBuilder().add("properties", properties).build();
    }

    /**
     * A message made by the openssl command line (signed with the partner's key, encrypted to our certificate),
     * posted to the account's AS2 endpoint with curl-like plain HTTP: kept, and answered with a signed MDN.
     */
    private void opensslPostsToTheAs2Endpoint(String account, String from, String to, KeyPair partnerKey,
            X509Certificate partnerCertificate, X509Certificate ours, byte[] payload) throws Exception {
        Path folder = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "openssl-as2-");
        Files.writeString(folder.resolve("partner.key"), TestCertificates.pkcs8Pem(partnerKey.getPrivate()));
        Files.writeString(folder.resolve("partner.crt"), TestCertificates.pem(partnerCertificate));
        Files.writeString(folder.resolve("ours.crt"), TestCertificates.pem(ours));
        byte[] entity = concat("Content-Type: application/edi-x12\r\n\r\n".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII), payload);
        Files.write(folder.resolve("entity.mime"), entity);
        OpenSsl.run(folder, "cms", "-sign", "-binary", "-md", "sha256", "-in", "entity.mime", "-signer", "partner.crt",
                "-inkey", "partner.key", "-out", "signed.eml");
        OpenSsl.run(folder, "cms", "-encrypt", "-binary", "-aes256", "-outform", "DER", "-in", "signed.eml",
                "-recip", "ours.crt", "-out", "message.p7m");
        String messageId = "<openssl-" + System.nanoTime() + "@" + from.toLowerCase(java.util.Locale.ROOT) + ">";
        var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create(as2Endpoint(account))).version(java.net.http.HttpClient.Version.HTTP_1_1)
                .header("AS2-Version", "1.2").header("AS2-From", from).header("AS2-To", to)
                .header("Message-ID", messageId)
                .header("Content-Type", "application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m")
                .header("Disposition-Notification-To", "as2@partner.example")
                .header("Disposition-Notification-Options", "signed-receipt-protocol=optional, pkcs7-signature; "
                        + "signed-receipt-micalg=optional, sha-256")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(folder.resolve("message.p7m"))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("multipart/signed");
        assertThat(answer.body()).contains("processed").doesNotContain("processed/error")
                .contains("Original-Message-ID: " + messageId);
        JsonObject kept = as2Messages(account, "direction=Inbound&status=Received").stream()
                .filter(m -> m.getString("messageId").equals(messageId)).findFirst().orElseThrow();
        assertThat(api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/" + account
                + "/as2/messages/" + kept.getString("name") + "/payload")).GET()).body()).isEqualTo(payload);
        assertThat(api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/" + account
                + "/as2/messages/" + kept.getString("name") + "/raw")).GET()).body())
                .as("the message as it came, kept for non-repudiation")
                .isEqualTo(Files.readAllBytes(folder.resolve("message.p7m")));
    }

    /** The names a list answers, following its nextLinks. */
    private List<String> names(String path) {
        List<String> names = new ArrayList<>();
        var page = record(api.get(path));
        while (true) {
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().getJsonArray("value").getValuesAs(JsonObject.class).forEach(o -> names.add(o.getString("name")));
            if (!page.json().containsKey("nextLink")) {
                return names;
            }
            page = api.getAbsolute(page.json().getString("nextLink"));
        }
    }

    // ---- certificates ---------------------------------------------------------------------------

    @Test
    void publicCertificateFromBase64DerOrPem() throws Exception {
        createAccount("partners");
        KeyPair partner = TestCertificates.rsa(2048);
        X509Certificate certificate = TestCertificates.selfSigned(partner, "fabrikam");
        String base64 = TestCertificates.base64(certificate);

        var created = record(putCertificate("partners", "fabrikam", base64,
                Json.createObjectBuilder().add("partner", "Fabrikam").build()));

        assertThat(created.status()).isEqualTo(201);
        JsonObject body = created.json();
        assertThat(body.getString("id")).isEqualTo("/integrationAccounts/partners/certificates/fabrikam");
        assertThat(body.getString("type")).isEqualTo("Microsoft.Logic/integrationAccounts/certificates");
        JsonObject properties = body.getJsonObject("properties");
        assertThat(properties.getString("publicCertificate")).isEqualTo(base64);
        assertThat(properties.containsKey("key")).isFalse();
        assertThat(properties.getJsonObject("metadata").getString("partner")).isEqualTo("Fabrikam");
        assertThat(properties.getString("thumbprint")).isEqualTo(HexFormat.of().withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded())));
        assertThat(properties.getString("thumbprintSha256")).isEqualTo(HexFormat.of().withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())));
        assertThat(properties.getString("subject")).isEqualTo("CN=fabrikam,O=Certvault Tests");
        assertThat(properties.getString("issuer")).isEqualTo("CN=fabrikam,O=Certvault Tests");
        assertThat(new BigInteger(properties.getString("serialNumber"), 16)).isEqualTo(certificate.getSerialNumber());
        assertThat(Instant.parse(properties.getString("notAfter"))).isEqualTo(certificate.getNotAfter().toInstant());
        assertThat(Instant.parse(properties.getString("notBefore"))).isEqualTo(certificate.getNotBefore().toInstant());
        assertThat(properties.getString("keyAlgorithm")).isEqualTo("RSA");
        assertThat(properties.getInt("keySize")).isEqualTo(2048);
        assertThat(properties.getString("createdTime")).isNotBlank();

        var fromPem = record(putCertificate("partners", "fabrikam", TestCertificates.pem(certificate), null));
        assertThat(fromPem.status()).isEqualTo(200);
        assertThat(fromPem.json().getJsonObject("properties").getString("publicCertificate")).isEqualTo(base64);

        assertThat(api.get("integrationAccounts/partners/certificates").json().getJsonArray("value")
                .getValuesAs(JsonObject.class)).extracting(o -> o.getString("name")).containsExactly("fabrikam");
        assertThat(api.delete("integrationAccounts/partners/certificates/fabrikam").status()).isEqualTo(200);
        assertThat(api.delete("integrationAccounts/partners/certificates/fabrikam").status()).isEqualTo(204);
    }

    @Test
    void certificatesByExpiryInPagesAndAcrossTheAccountsACallerMayRead() {
        createAccount("expiry-a");
        createAccount("expiry-b");
        KeyPair key = TestCertificates.ec("secp256r1");
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant tenDays = now.plus(java.time.Duration.ofDays(10));
        putExpiring("expiry-a", "a-late", key, now.plus(java.time.Duration.ofDays(400)));
        // Two expire at the same second: the name orders them, and a page ends between them.
        putExpiring("expiry-a", "a-soon2", key, tenDays);
        putExpiring("expiry-a", "a-soon1", key, tenDays);
        putExpiring("expiry-a", "a-gone", key, now.minus(java.time.Duration.ofDays(1)));
        putExpiring("expiry-b", "b-soon", key, now.plus(java.time.Duration.ofDays(5)));
        String horizon = now.plus(java.time.Duration.ofDays(30)).toString();

        assertThat(names(pages("integrationAccounts/expiry-a/certificates?$orderby=notAfter&$top=1&api-version=2019-05-01",
                api))).containsExactly("a-gone", "a-soon1", "a-soon2", "a-late");
        assertThat(names(pages("integrationAccounts/expiry-a/certificates?$orderby=notAfter&$top=2&expiresBefore="
                + horizon, api))).containsExactly("a-gone", "a-soon1", "a-soon2");
        assertThat(names(pages("integrationAccounts/expiry-a/certificates?$top=3", api)))
                .containsExactly("a-gone", "a-late", "a-soon1", "a-soon2");
        JsonObject soon = pages("integrationAccounts/expiry-b/certificates?expiresBefore=" + horizon, api).get(0);
        assertThat(Instant.parse(soon.getJsonObject("properties").getString("notAfter")))
                .isEqualTo(now.plus(java.time.Duration.ofDays(5)));

        // Across accounts: the admin sees both (and whatever else expires by then), by expiry.
        assertThat(pages("certificates?$orderby=notAfter&$top=2&expiresBefore=" + horizon, api).stream()
                .map(o -> o.getString("id")).filter(id -> id.contains("/expiry-")).toList()).containsExactly(
                        "/integrationAccounts/expiry-a/certificates/a-gone",
                        "/integrationAccounts/expiry-b/certificates/b-soon",
                        "/integrationAccounts/expiry-a/certificates/a-soon1",
                        "/integrationAccounts/expiry-a/certificates/a-soon2");
        // A reader of one account sees that account's only.
        String password = "expiry-Reader-Password-1";
        assertThat(record(api.put("users/expiry-reader", Json.createObjectBuilder().add("properties",
                Json.createObjectBuilder().add("password", password)).build())).status()).isIn(200, 201);
        ApiClient reader = ApiClient.basic(api.uri("/"), "expiry-reader", password);
        assertError(reader.get("certificates?expiresBefore=" + horizon), 403, "AuthorizationFailed");
        assertThat(record(api.put("roleAssignments/expiry-reader-b", Json.createObjectBuilder().add("properties",
                Json.createObjectBuilder().add("principalName", "expiry-reader").add("roleName", "reader")
                        .add("scope", "/integrationAccounts/expiry-b")).build())).status()).isIn(200, 201);
        assertThat(pages("certificates?$orderby=notAfter&$top=1&expiresBefore=" + horizon, reader).stream()
                .map(o -> o.getString("id")).toList())
                .containsExactly("/integrationAccounts/expiry-b/certificates/b-soon");
        assertThat(names(pages("certificates", reader))).containsExactly("b-soon");
        assertError(reader.get("integrationAccounts/expiry-a/certificates"), 403, "AuthorizationFailed");

        // Bad values are the client's: 400, naming what is wrong.
        for (String list : List.of("integrationAccounts/expiry-a/certificates", "certificates")) {
            var badInstant = api.get(list + "?expiresBefore=tomorrow");
            assertError(badInstant, 400, "InvalidRequestContent");
            assertThat(badInstant.errorMessage()).contains("expiresBefore");
            assertError(api.get(list + "?expiresBefore=2027-13-01T00:00:00Z"), 400, "InvalidRequestContent");
            var badOrder = api.get(list + "?$orderby=thumbprint");
            assertError(badOrder, 400, "InvalidRequestContent");
            assertThat(badOrder.errorMessage()).contains("$orderby");
            assertError(api.get(list + "?$orderby=notAfter%20desc"), 400, "InvalidRequestContent");
            assertError(api.get(list + "?$orderby=notAfter&$skiptoken=bm9wZQ"), 400, "InvalidRequestContent");
            assertError(api.get(list + "?$top=1001&$orderby=notAfter"), 400, "InvalidRequestContent");
        }
        // A token of one order does not continue another.
        String byName = api.get("integrationAccounts/expiry-a/certificates?$top=1").json().getString("nextLink");
        String token = byName.substring(byName.indexOf("skiptoken=") + "skiptoken=".length());
        assertError(api.get("integrationAccounts/expiry-a/certificates?$orderby=notAfter&$skiptoken=" + token), 400,
                "InvalidRequestContent");
    }

    /** Every item of a list, following nextLink, as the given client. */
    private List<JsonObject> pages(String path, ApiClient client) {
        List<JsonObject> items = new ArrayList<>();
        var page = record(client.get(path));
        for (int pages = 0; pages < 100; pages++) {
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            items.addAll(page.json().getJsonArray("value").getValuesAs(JsonObject.class));
            if (!page.json().containsKey("nextLink")) {
                return items;
            }
            page = record(client.getAbsolute(page.json().getString("nextLink")));
        }
        throw new AssertionError("more than 100 pages of " + path);
    }

    private static List<String> names(List<JsonObject> items) {
        return items.stream().map(o -> o.getString("name")).toList();
    }

    private void putExpiring(String account, String name, KeyPair key, Instant notAfter) {
        assertThat(putCertificate(account, name, TestCertificates.base64(TestCertificates.selfSigned(key, name,
                notAfter.minus(java.time.Duration.ofDays(800)), notAfter)), null).status()).isEqualTo(201);
    }

    @Test
    void privateCertificateNeedsItsVaultKey() {
        createAccount("contoso");
        KeyPair ours = remember(TestCertificates.rsa(2048));
        var imported = record(api.put("vaults/default/keys/contoso-signing",
                Json.createObjectBuilder().add("key", TestCertificates.pkcs8Pem(ours.getPrivate())).build()));
        assertThat(imported.status()).isEqualTo(201);
        String version = imported.json().getJsonObject("properties").getString("version");
        String cert = TestCertificates.base64(TestCertificates.selfSigned(ours, "contoso"));

        var created = record(putCertificate("contoso", "contoso-private", cert, null,
                keyReference("default", "contoso-signing", null)));
        assertThat(created.status()).isEqualTo(201);
        JsonObject key = created.json().getJsonObject("properties").getJsonObject("key");
        assertThat(key.getJsonObject("keyVault").getString("name")).isEqualTo("default");
        assertThat(key.getString("keyName")).isEqualTo("contoso-signing");
        assertThat(key.containsKey("keyVersion")).isFalse();

        var pinned = record(putCertificate("contoso", "contoso-pinned", cert, null,
                keyReference("default", "contoso-signing", version)));
        assertThat(pinned.status()).isEqualTo(201);
        assertThat(pinned.json().getJsonObject("properties").getJsonObject("key").getString("keyVersion")).isEqualTo(version);

        String someoneElses = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "other"));
        var mismatch = putCertificate("contoso", "contoso-wrong", someoneElses, null,
                keyReference("default", "contoso-signing", null));
        assertError(mismatch, 409, "CertificateKeyMismatch");
        assertThat(mismatch.errorMessage()).contains("contoso-signing").contains("default");
        assertError(api.get("integrationAccounts/contoso/certificates/contoso-wrong"), 404, "CertificateNotFound");

        assertError(putCertificate("contoso", "x", cert, null, keyReference("nowhere", "contoso-signing", null)),
                400, "InvalidKeyReference");
        assertError(putCertificate("contoso", "x", cert, null, keyReference("default", "missing", null)),
                400, "InvalidKeyReference");
        assertError(putCertificate("contoso", "x", cert, null, keyReference("default", "contoso-signing", "feed")),
                400, "InvalidKeyReference");
        assertError(putCertificate("contoso", "x", cert, null, Json.createObjectBuilder().add("keyName", "k").build()),
                400, "InvalidKeyReference");
    }

    /**
     * The rotation path, as a new user would try it: a new version of the key does not change what the old
     * certificate signs with (openssl verifies the signature against that certificate), a certificate for the new
     * version uses it, and both the certificates and the key say which version is in use.
     */
    @Test
    void eachCertificateSignsWithItsOwnKeyThroughARotation() throws Exception {
        createAccount("rotation");
        KeyPair first = remember(TestCertificates.rsa(2048));
        String v1 = record(api.put("vaults/default/keys/rotation-signing", Json.createObjectBuilder()
                .add("key", TestCertificates.pkcs8Pem(first.getPrivate())).build())).json()
                .getJsonObject("properties").getString("version");
        X509Certificate firstCertificate = TestCertificates.selfSigned(first, "contoso");
        assertThat(putCertificate("rotation", "contoso-2026", TestCertificates.base64(firstCertificate), null,
                keyReference("default", "rotation-signing", null)).status()).isEqualTo(201);

        KeyPair second = remember(TestCertificates.rsa(2048));
        var newVersion = record(api.put("vaults/default/keys/rotation-signing", Json.createObjectBuilder()
                .add("key", TestCertificates.pkcs8Pem(second.getPrivate())).build()));
        assertThat(newVersion.status()).isEqualTo(200);
        String v2 = newVersion.json().getJsonObject("properties").getString("version");

        var signed = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri(
                "integrationAccounts/rotation/messages/encode?signingCertificateName=contoso-2026"))
                .header("Content-Type", "application/edi-x12").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "UNB+UNOA:1")));
        assertThat(signed.statusCode()).isEqualTo(200);
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "rotation");
        Path message = work.resolve("signed.eml");
        Files.write(message, concat(("Content-Type: " + signed.headers().firstValue("Content-Type").orElseThrow()
                + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), signed.body()));
        Process openssl = new ProcessBuilder("openssl", "cms", "-verify", "-noverify", "-in", message.toString(),
                "-out", work.resolve("payload").toString()).redirectErrorStream(true).start();
        String said = new String(openssl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(openssl.waitFor()).as(said).isZero();
        assertThat(said).contains("Verification successful");

        assertThat(putCertificate("rotation", "contoso-2027", TestCertificates.base64(
                TestCertificates.selfSigned(second, "contoso")), null, keyReference("default", "rotation-signing", null))
                .status()).isEqualTo(201);
        assertThat(record(api.get("integrationAccounts/rotation/certificates/contoso-2026")).json()
                .getJsonObject("properties").getJsonObject("key").getString("resolvedKeyVersion")).isEqualTo(v1);
        assertThat(record(api.get("integrationAccounts/rotation/certificates/contoso-2027")).json()
                .getJsonObject("properties").getJsonObject("key").getString("resolvedKeyVersion")).isEqualTo(v2);
        var versions = record(api.get("vaults/default/keys/rotation-signing")).json().getJsonObject("properties")
                .getJsonArray("versions").getValuesAs(JsonObject.class);
        assertThat(versions).extracting(v -> v.getString("version"),
                v -> v.getJsonArray("certificates").getValuesAs(JsonObject.class).stream()
                        .map(c -> c.getString("name")).toList())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(v1, List.of("contoso-2026")),
                        org.assertj.core.groups.Tuple.tuple(v2, List.of("contoso-2027")));
        var signs = record(api.get("auditEvents?operation=keys/sign&certificate=contoso-2026")).json()
                .getJsonArray("value").getValuesAs(JsonObject.class);
        assertThat(signs.get(0).getJsonObject("properties").getString("keyVersion")).isEqualTo(v1);
        assertThat(signs.get(0).getJsonObject("properties").getString("outcome")).isEqualTo("Succeeded");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    // ---- versions, ETags and concurrency ----------------------------------------------------------

    private java.net.http.HttpResponse<String> conditional(String method, String path, String body, String header,
            String value) {
        var request = java.net.http.HttpRequest.newBuilder(api.uri(path)).header("Content-Type", "application/json");
        if (header != null) {
            request.header(header, value);
        }
        request.method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        var reply = api.sendBytes(request);
        return new StringResponse(reply);
    }

    /** A byte response read as text (the tests' bodies are JSON or empty). */
    private record StringResponse(java.net.http.HttpResponse<byte[]> bytes) implements java.net.http.HttpResponse<String> {
        public int statusCode() { return bytes.statusCode(); }
        public java.net.http.HttpRequest request() { return bytes.request(); }
        public Optional<java.net.http.HttpResponse<String>> previousResponse() { return Optional.empty(); }
        public java.net.http.HttpHeaders headers() { return bytes.headers(); }
        public String body() { return new String(bytes.body(), java.nio.charset.StandardCharsets.UTF_8); }
        public Optional<javax.net.ssl.SSLSession> sslSession() { return bytes.sslSession(); }
        public URI uri() { return bytes.uri(); }
        public java.net.http.HttpClient.Version version() { return bytes.version(); }
    }

    private static String certificateBody(String base64) {
        return Json.createObjectBuilder().add("properties", Json.createObjectBuilder().add("publicCertificate", base64))
                .build().toString();
    }

    @Test
    void etagsAndConditionalRequestsKeepUpdatesFromBeingLost() {
        createAccount("etags");
        String path = "integrationAccounts/etags/certificates/partner";
        String first = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "first"));
        String second = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "second"));

        var created = conditional("PUT", path, certificateBody(first), "If-None-Match", "*");
        assertThat(created.statusCode()).isEqualTo(201);
        String etag = created.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[0-9a-z]+-1\"");
        assertThat(conditional("PUT", path, certificateBody(first), "If-None-Match", "*").statusCode()).isEqualTo(412);
        var read = conditional("GET", path, null, null, null);
        assertThat(read.headers().firstValue("ETag")).hasValue(etag);
        assertThat(conditional("GET", path, null, "If-None-Match", etag).statusCode()).isEqualTo(304);

        var updated = conditional("PUT", path, certificateBody(second), "If-Match", etag);
        assertThat(updated.statusCode()).isEqualTo(200);
        String newer = updated.headers().firstValue("ETag").orElseThrow();
        assertThat(newer).isNotEqualTo(etag);
        // A client that read the first version cannot overwrite or delete the second.
        var stale = conditional("PUT", path, certificateBody(first), "If-Match", etag);
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(412);
        assertThat(stale.body()).contains("PreconditionFailed");
        assertThat(conditional("DELETE", path, null, "If-Match", etag).statusCode()).isEqualTo(412);
        assertThat(conditional("PUT", path, certificateBody(first), "If-Match", "W/" + newer).statusCode())
                .as("If-Match compares strongly").isEqualTo(412);
        assertThat(conditional("PUT", path, certificateBody(first), "If-Match", "not-a-tag").statusCode())
                .isEqualTo(400);
        assertThat(record(api.get(path)).json().getJsonObject("properties").getString("publicCertificate"))
                .isEqualTo(second);
        assertThat(conditional("DELETE", path, null, "If-Match", newer).statusCode()).isEqualTo(200);
        assertThat(conditional("DELETE", "integrationAccounts/etags/certificates/gone", null, "If-Match", "*")
                .statusCode()).isEqualTo(412);

        // The other versioned resources answer the same way.
        var account = conditional("GET", "integrationAccounts/etags", null, null, null);
        String accountTag = account.headers().firstValue("ETag").orElseThrow();
        assertThat(conditional("PUT", "integrationAccounts/etags", "{\"location\": \"here\"}", "If-Match", accountTag)
                .statusCode()).isEqualTo(200);
        assertThat(conditional("PUT", "integrationAccounts/etags", "{}", "If-Match", accountTag).statusCode())
                .isEqualTo(412);
        assertThat(conditional("GET", "users/admin", null, null, null).headers().firstValue("ETag")).isPresent();
        assertThat(conditional("GET", "roleAssignments/admin-global", null, null, null).headers().firstValue("ETag"))
                .isPresent();
    }

    @Test
    void concurrentPutsOfOneCertificateStoreOneOfThemAndNeverFail() throws Exception {
        createAccount("race");
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            submitted.add(TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "racer" + i)));
        }
        for (String mode : List.of("plain", "create-only")) {
            String path = "integrationAccounts/race/certificates/contested-" + mode;
            var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                var start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Integer>> statuses = new ArrayList<>();
                for (String certificate : submitted) {
                    statuses.add(pool.submit(() -> {
                        start.await();
                        var reply = mode.equals("plain") ? conditional("PUT", path, certificateBody(certificate), null, null)
                                : conditional("PUT", path, certificateBody(certificate), "If-None-Match", "*");
                        RESPONSES.add(reply.body());
                        return reply.statusCode();
                    }));
                }
                start.countDown();
                List<Integer> answers = new ArrayList<>();
                for (var status : statuses) {
                    answers.add(status.get());
                }
                assertThat(answers).as(mode).allMatch(s -> s == 200 || s == 201 || s == 409 || s == 412);
                assertThat(answers).as(mode).contains(201);
                if (mode.equals("create-only")) {
                    assertThat(answers).as(mode).containsOnlyOnce(201).doesNotContain(200);
                }
                assertThat(submitted).contains(record(api.get(path)).json().getJsonObject("properties")
                        .getString("publicCertificate"));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void twoConcurrentDeletesOfTheLastTwoAdminsLeaveOne() throws Exception {
        String password = "second-admin-Password-1";
        assertThat(api.put("users/second-admin", Json.createObjectBuilder().add("properties",
                Json.createObjectBuilder().add("password", password)).build()).status()).isIn(200, 201);
        assertThat(api.put("roleAssignments/second-admin-global", Json.createObjectBuilder().add("properties",
                Json.createObjectBuilder().add("principalName", "second-admin").add("roleName", "admin")
                        .add("scope", "/")).build()).status()).isIn(200, 201);
        ApiClient second = ApiClient.basic(api.uri(""), "second-admin", password);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            var first = pool.submit(() -> {
                start.await();
                return api.delete("roleAssignments/admin-global");
            });
            var other = pool.submit(() -> {
                start.await();
                return second.delete("roleAssignments/second-admin-global");
            });
            start.countDown();
            List<ApiClient.Reply> replies = List.of(first.get(), other.get());
            assertThat(replies).extracting(ApiClient.Reply::status).containsExactlyInAnyOrder(200, 409);
            assertThat(replies.stream().filter(r -> r.status() == 409).findFirst().orElseThrow().errorCode())
                    .isEqualTo("LastAdministrator");
        } finally {
            pool.shutdownNow();
            // Whichever went, the admin the other tests sign in as gets its role back.
            ApiClient restorer = api.get("roleAssignments/admin-global").status() == 200 ? api
                    : ApiClient.basic(api.uri(""), "second-admin", password);
            assertThat(restorer.put("roleAssignments/admin-global", Json.createObjectBuilder().add("properties",
                    Json.createObjectBuilder().add("principalName", "admin").add("roleName", "admin").add("scope", "/"))
                    .build()).status()).isIn(200, 201);
            assertThat(api.delete("users/second-admin").status()).isEqualTo(200);
        }
    }

    @Test
    void concurrentWrongPasswordsAreEachCounted() throws Exception {
        String password = "counted-User-Password-1";
        assertThat(api.put("users/counted", Json.createObjectBuilder().add("properties",
                Json.createObjectBuilder().add("password", password)).build()).status()).isIn(200, 201);
        ApiClient wrong = ApiClient.basic(api.uri(""), "counted", "not-the-password-at-all");
        // The test servers lock after the default 5 failures; four at once must leave the user able to sign in.
        for (int failures : List.of(4, 5)) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(failures);
            try {
                var start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Integer>> statuses = new ArrayList<>();
                for (int i = 0; i < failures; i++) {
                    statuses.add(pool.submit(() -> {
                        start.await();
                        return wrong.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts"))
                                .GET()).statusCode();
                    }));
                }
                start.countDown();
                for (var status : statuses) {
                    assertThat(status.get()).isEqualTo(401);
                }
            } finally {
                pool.shutdownNow();
            }
            int after = ApiClient.basic(api.uri(""), "counted", password).get("integrationAccounts").status();
            assertThat(after).as("after %d failures at once", failures).isEqualTo(failures < 5 ? 200 : 429);
        }
        assertThat(api.delete("users/counted").status()).isEqualTo(200);
    }

    // ---- vault keys -----------------------------------------------------------------------------

    @Test
    void keysImportInEveryFormAndNeverShowTheirPrivateHalf() throws Exception {
        KeyPair rsa = remember(TestCertificates.rsa(2048));
        RSAPrivateCrtKey crt = (RSAPrivateCrtKey) rsa.getPrivate();
        var jwk = record(api.put("vaults/default/keys/from-jwk", Json.createObjectBuilder().add("key",
                Json.createObjectBuilder().add("kty", "RSA").add("n", TestCertificates.base64url(crt.getModulus()))
                        .add("e", TestCertificates.base64url(crt.getPublicExponent())).add("d", TestCertificates.base64url(crt.getPrivateExponent()))
                        .add("p", TestCertificates.base64url(crt.getPrimeP())).add("q", TestCertificates.base64url(crt.getPrimeQ()))
                        .add("dp", TestCertificates.base64url(crt.getPrimeExponentP())).add("dq", TestCertificates.base64url(crt.getPrimeExponentQ()))
                        .add("qi", TestCertificates.base64url(crt.getCrtCoefficient()))).build()));
        assertThat(jwk.status()).isEqualTo(201);
        assertThat(jwk.json().getJsonObject("properties").getString("kty")).isEqualTo("RSA");

        KeyPair ec = remember(TestCertificates.ec("secp256r1"));
        ECPublicKey ecPublic = (ECPublicKey) ec.getPublic();
        var ecJwk = record(api.put("vaults/default/keys/from-ec-jwk", Json.createObjectBuilder().add("key",
                Json.createObjectBuilder().add("kty", "EC").add("crv", "P-256")
                        .add("x", TestCertificates.base64url(ecPublic.getW().getAffineX())).add("y", TestCertificates.base64url(ecPublic.getW().getAffineY()))
                        .add("d", TestCertificates.base64url(((ECPrivateKey) ec.getPrivate()).getS()))).build()));
        assertThat(ecJwk.status()).isEqualTo(201);
        assertThat(ecJwk.json().getJsonObject("properties").getString("crv")).isEqualTo("P-256");

        KeyPair pfxPair = remember(TestCertificates.rsa(2048));
        var pfx = record(api.put("vaults/default/keys/from-pfx", Json.createObjectBuilder()
                .add("pfx", Base64.getEncoder().encodeToString(TestCertificates.pkcs12(pfxPair, "changeit")))
                .add("password", "changeit").build()));
        assertThat(pfx.status()).isEqualTo(201);
        assertError(api.put("vaults/default/keys/from-pfx", Json.createObjectBuilder()
                .add("pfx", Base64.getEncoder().encodeToString(TestCertificates.pkcs12(pfxPair, "changeit")))
                .add("password", "wrong").build()), 400, "InvalidKey");

        var rsaCreated = record(api.post("vaults/default/keys/made-here/create",
                Json.createObjectBuilder().add("kty", "RSA").add("size", 3072).build()));
        assertThat(rsaCreated.status()).isEqualTo(201);
        assertThat(rsaCreated.json().getJsonObject("properties").getInt("keySize")).isEqualTo(3072);
        var rotated = record(api.post("vaults/default/keys/made-here/create",
                Json.createObjectBuilder().add("kty", "EC").add("crv", "P-384").build()));
        assertThat(rotated.status()).isEqualTo(200);

        var read = record(api.get("vaults/default/keys/made-here"));
        JsonObject properties = read.json().getJsonObject("properties");
        assertThat(properties.getString("kty")).isEqualTo("EC");
        assertThat(properties.getString("crv")).isEqualTo("P-384");
        assertThat(properties.getString("publicKey")).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(properties.getJsonArray("versions")).hasSize(2);
        assertThat(properties.getJsonArray("versions").getJsonObject(1).getString("version"))
                .isEqualTo(properties.getString("version"));

        assertThat(record(api.get("vaults/default/keys")).json().getJsonArray("value").getValuesAs(JsonObject.class))
                .extracting(o -> o.getString("name")).contains("from-jwk", "from-ec-jwk", "from-pfx", "made-here");
        assertThat(record(api.get("vaults")).json().getJsonArray("value").getJsonObject(0).getString("name"))
                .isEqualTo("default");
        JsonObject firstKey = record(api.get("vaults/default/keys?$top=1")).json();
        assertThat(firstKey.getJsonArray("value")).hasSize(1);
        JsonObject secondKey = record(api.getAbsolute(firstKey.getString("nextLink"))).json();
        assertThat(secondKey.getJsonArray("value").getJsonObject(0).getString("name"))
                .isGreaterThan(firstKey.getJsonArray("value").getJsonObject(0).getString("name"));
        assertThat(api.get("vaults/default").json().getJsonObject("properties").getString("vaultType"))
                .isEqualTo("filesystem");

        assertError(api.post("vaults/default/keys/weak/create", Json.createObjectBuilder().add("kty", "RSA")
                .add("size", 1024).build()), 400, "UnsupportedKeyType");
        assertError(api.put("vaults/default/keys/junk", Json.createObjectBuilder().add("key", "not a key").build()),
                400, "InvalidKey");
        assertError(api.put("vaults/default/keys/junk", Json.createObjectBuilder().build()), 400,
                "InvalidRequestContent");
        assertError(api.get("vaults/default/keys/never-made"), 404, "KeyNotFound");
        assertError(api.get("vaults/nowhere/keys"), 404, "VaultNotFound");
    }

    @Test
    void keysInUseCannotBeDeleted() {
        createAccount("rotation");
        KeyPair pair = remember(TestCertificates.ec("secp384r1"));
        assertThat(api.put("vaults/default/keys/in-use", Json.createObjectBuilder()
                .add("key", TestCertificates.pkcs8Pem(pair.getPrivate())).build()).status()).isEqualTo(201);
        assertThat(putCertificate("rotation", "ours", TestCertificates.base64(TestCertificates.selfSigned(pair, "us")),
                null, keyReference("default", "in-use", null)).status()).isEqualTo(201);

        var refused = api.delete("vaults/default/keys/in-use");
        assertError(refused, 409, "KeyInUse");
        assertThat(refused.errorMessage()).contains("certificate 'ours' of integration account 'rotation'");

        assertThat(api.delete("integrationAccounts/rotation/certificates/ours").status()).isEqualTo(200);
        assertThat(api.delete("vaults/default/keys/in-use").status()).isEqualTo(200);
        assertError(api.get("vaults/default/keys/in-use"), 404, "KeyNotFound");
    }

    // ---- Azure Key Vault (through the simulator) -------------------------------------------------

    @Test
    void privateCertificatesWithKeysInAzureKeyVault() {
        var vaults = record(api.get("vaults")).json().getJsonArray("value").getValuesAs(JsonObject.class);
        assertThat(vaults).extracting(v -> v.getString("name")).containsExactly("default", "azure", "offline", "onprem");
        JsonObject azure = vaults.get(1).getJsonObject("properties");
        assertThat(azure.getString("vaultType")).isEqualTo("azure");
        assertThat(azure.getString("state")).isEqualTo("Up");

        createAccount("cloud");
        KeyPair ours = remember(TestCertificates.rsa(2048));
        var imported = record(api.put("vaults/azure/keys/cloud-signing",
                Json.createObjectBuilder().add("key", TestCertificates.pkcs8Pem(ours.getPrivate())).build()));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(KeyVaultSimulatorExtension.simulator.requests()).contains("PUT /keys/cloud-signing");
        String cert = TestCertificates.base64(TestCertificates.selfSigned(ours, "cloud"));

        var created = record(putCertificate("cloud", "cloud-private", cert, null,
                keyReference("azure", "cloud-signing", null)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().getJsonObject("properties").getJsonObject("key").getJsonObject("keyVault")
                .getString("name")).isEqualTo("azure");

        var createdInVault = record(api.post("vaults/azure/keys/cloud-made/create",
                Json.createObjectBuilder().add("kty", "EC").add("crv", "P-256").build()));
        assertThat(createdInVault.status()).isEqualTo(201);
        assertThat(record(api.get("vaults/azure/keys")).json().getJsonArray("value").getValuesAs(JsonObject.class))
                .extracting(o -> o.getString("name")).contains("cloud-signing", "cloud-made");

        String other = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "other"));
        assertError(putCertificate("cloud", "cloud-wrong", other, null, keyReference("azure", "cloud-signing", null)),
                409, "CertificateKeyMismatch");
        assertError(api.post("vaults/azure/keys/not_allowed/create", Json.createObjectBuilder().add("kty", "EC")
                .build()), 400, "InvalidName");
    }

    @Test
    void aCloudVaultThatIsDownIsReportedWhileTheRestWorks() {
        JsonObject offline = record(api.get("vaults/offline")).json().getJsonObject("properties");
        assertThat(offline.getString("state")).isEqualTo("Down");
        assertThat(offline.getString("stateDetail")).contains("cannot be reached");

        URI root = api.uri("/").resolve("/");
        var ready = api.getAbsolute(root.resolve("health/ready").toString());
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).contains("\"offline\":\"Down\"").contains("\"azure\":\"Up\"");
        // In-process crypto says its provider: the native one loads on the Linux x86-64 machines tests run on.
        assertThat(record(api.get("vaults/default")).json().getJsonObject("properties").getString("cryptoProvider"))
                .startsWith("AmazonCorrettoCryptoProvider 2.5");

        var unavailable = api.get("vaults/offline/keys");
        assertError(unavailable, 503, "VaultUnavailable");
        assertThat(api.get("vaults/default/keys").status()).isEqualTo(200);
    }

    @Test
    void eachVaultSaysWhatItCanDoAndKeyUsesItCannotAreRefused() {
        JsonObject local = record(api.get("vaults/default")).json().getJsonObject("properties")
                .getJsonObject("capabilities");
        assertThat(strings(local, "signatureAlgorithms")).contains("RS1", "PS256", "ES512");
        assertThat(strings(local, "decryptionAlgorithms")).containsExactly("RSA1_5", "RSA-OAEP", "RSA-OAEP-256");
        assertThat(local.getBoolean("keyAgreement")).isTrue();
        assertThat(local.getJsonArray("keyTypes").getValuesAs(JsonObject.class)).hasSize(5);
        JsonObject azure = record(api.get("vaults/azure")).json().getJsonObject("properties")
                .getJsonObject("capabilities");
        assertThat(strings(azure, "signatureAlgorithms")).contains("RS256", "ES384").doesNotContain("RS1", "ES512");
        assertThat(azure.getBoolean("keyAgreement")).isFalse();
        JsonObject transit = record(api.get("vaults")).json().getJsonArray("value").getValuesAs(JsonObject.class).stream()
                .filter(v -> v.getString("name").equals("onprem")).findFirst().orElseThrow()
                .getJsonObject("properties").getJsonObject("capabilities");
        assertThat(strings(transit, "decryptionAlgorithms")).containsExactly("RSA1_5", "RSA-OAEP-256");

        // What the vault declares it cannot do is refused before it is asked, and on record as failed.
        createAccount("capable");
        KeyPair ours = remember(TestCertificates.rsa(2048));
        assertThat(record(api.put("vaults/azure/keys/capable-signing", Json.createObjectBuilder()
                .add("key", TestCertificates.pkcs8Pem(ours.getPrivate())).build())).status()).isEqualTo(201);
        assertThat(putCertificate("capable", "ours", TestCertificates.base64(TestCertificates.selfSigned(ours, "ours")),
                null, keyReference("azure", "capable-signing", null)).status()).isEqualTo(201);
        var refused = postMessage("integrationAccounts/capable/messages/encode?signingCertificateName=ours"
                + "&signingAlgorithm=SHA1", "text/plain", "x".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertError(refused, 400, "VaultOperationNotSupported");
        assertThat(refused.errorMessage()).contains("RS1").contains("vaults/azure");
    }

    private static List<String> strings(JsonObject object, String name) {
        return object.getJsonArray(name).getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
    }

    @Test
    void azurePermissionAndThrottlingErrorsReachTheClient() {
        var simulator = KeyVaultSimulatorExtension.simulator;
        assertThat(api.post("vaults/azure/keys/cloud-guarded/create", Json.createObjectBuilder().add("kty", "EC")
                .build()).status()).isEqualTo(201);

        simulator.deny("get");
        try {
            var denied = api.get("vaults/azure/keys/cloud-guarded");
            assertError(denied, 502, "VaultAccessDenied");
            assertThat(denied.errorMessage()).contains("keys 'get' permission").contains(KeyVaultSimulator.CLIENT_ID);
        } finally {
            simulator.allowAll();
        }

        simulator.throttleAlways(true);
        try {
            var throttled = api.get("vaults/azure/keys/cloud-guarded");
            assertError(throttled, 503, "VaultUnavailable");
            assertThat(throttled.errorMessage()).contains("HTTP 429");
        } finally {
            simulator.throttleAlways(false);
        }
        assertThat(api.get("vaults/azure/keys/cloud-guarded").status()).isEqualTo(200);
        assertError(api.get("vaults/azure/keys/cloud-never"), 404, "KeyNotFound");
    }

    // ---- HashiCorp Vault Transit (through the simulator) ------------------------------------------

    @Test
    void privateCertificatesAndMessagesWithKeysInVaultTransit() {
        JsonObject onprem = record(api.get("vaults/onprem")).json().getJsonObject("properties");
        assertThat(onprem.getString("vaultType")).isEqualTo("hashicorp");
        assertThat(onprem.getString("state")).isEqualTo("Up");

        createAccount("transit");
        KeyPair ours = remember(TestCertificates.rsa(2048));
        var imported = record(api.put("vaults/onprem/keys/transit-signing",
                Json.createObjectBuilder().add("key", TestCertificates.pkcs8Pem(ours.getPrivate())).build()));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(imported.json().getJsonObject("properties").getString("version")).isEqualTo("1");
        assertThat(putCertificate("transit", "ours", TestCertificates.base64(TestCertificates.selfSigned(ours, "ours")),
                null, keyReference("onprem", "transit-signing", null)).status()).isEqualTo(201);

        var signed = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri(
                "integrationAccounts/transit/messages/encode?signingCertificateName=ours&encryptionCertificateName=ours"
                        + "&encryptionAlgorithm=AES128"))
                .header("Content-Type", "application/edi-x12").POST(java.net.http.HttpRequest.BodyPublishers.ofString("UNB+")));
        assertThat(signed.statusCode()).isEqualTo(200);
        var decoded = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/transit/messages/decode"))
                .header("Content-Type", signed.headers().firstValue("Content-Type").orElseThrow())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(signed.body())));
        assertThat(decoded.statusCode()).isEqualTo(200);
        assertThat(new String(decoded.body(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("UNB+");
        assertThat(decoded.headers().firstValue("X-Certvault-Signed-By")).hasValue("ours");
        assertThat(decoded.headers().firstValue("X-Certvault-Decrypted-With")).hasValue("ours");

        KeyVaultSimulatorExtension.hashicorp.deny("transit/keys/transit-signing");
        try {
            var denied = api.get("vaults/onprem/keys/transit-signing");
            assertError(denied, 502, "VaultAccessDenied");
            assertThat(denied.errorMessage()).contains("path 'transit/keys/transit-signing'");
        } finally {
            KeyVaultSimulatorExtension.hashicorp.allowAll();
        }
    }

    // ---- messages ---------------------------------------------------------------------------------

    /** An account with an RSA and an EC private certificate whose keys are in the default vault. */
    private void messagingAccount(String account) {
        createAccount(account);
        for (String kind : List.of("rsa", "ec")) {
            KeyPair pair = remember(kind.equals("rsa") ? TestCertificates.rsa(2048) : TestCertificates.ec("secp256r1"));
            String key = account + "-" + kind;
            assertThat(api.put("vaults/default/keys/" + key, Json.createObjectBuilder()
                    .add("key", TestCertificates.pkcs8Pem(pair.getPrivate())).build()).status()).isIn(200, 201);
            assertThat(putCertificate(account, kind, TestCertificates.base64(TestCertificates.selfSigned(pair, key)), null,
                    keyReference("default", key, null)).status()).isEqualTo(201);
        }
    }

    private ApiClient.Reply postMessage(String path, String contentType, byte[] body) {
        return api.send(java.net.http.HttpRequest.newBuilder(api.uri(path)).header("Content-Type", contentType)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** The body of an issue request: the key to issue from (made in the same step when newKey is given). */
    private static JsonObject issueBody(String vault, String key, JsonObject newKey, String subject) {
        var properties = Json.createObjectBuilder().add("key", Json.createObjectBuilder()
                .add("keyVault", Json.createObjectBuilder().add("name", vault)).add("keyName", key))
                .add("subject", subject);
        if (newKey != null) {
            properties.add("newKey", newKey);
        }
        return Json.createObjectBuilder().add("properties", properties).build();
    }

    /**
     * A self-signed private certificate issued from a vault key in each vault (filesystem, Azure Key Vault and
     * HashiCorp Transit through their simulators), RSA and EC: the vault signs, openssl verifies it and shows the
     * extensions asked for, and the certificate signs a message openssl verifies with it as the trust anchor.
     */
    @Test
    void certificatesAreIssuedFromVaultKeysWhichSignThemInTheVault() throws Exception {
        createAccount("issuing");
        String base = "integrationAccounts/issuing/certificates/";
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "issued");
        JsonObject rsa = Json.createObjectBuilder().add("kty", "RSA").add("size", 2048).build();
        JsonObject ec = Json.createObjectBuilder().add("kty", "EC").add("crv", "P-256").build();
        JsonObject full = with(issueBody("default", "issued-rsa", rsa, "CN=Contoso AS2, O=Contoso Ltd, C=US"),
                "properties.subjectAlternativeNames", Json.createObjectBuilder()
                        .add("dnsNames", Json.createArrayBuilder().add("as2.contoso.example"))
                        .add("emails", Json.createArrayBuilder().add("as2@contoso.example"))
                        .add("uris", Json.createArrayBuilder().add("https://contoso.example/as2")).build());
        full = with(full, "properties.ekus", Json.createArrayBuilder().add("emailProtection").add("1.3.6.1.5.5.7.3.2")
                .build());
        full = with(full, "properties.validityInDays", Json.createValue(30));
        full = with(full, "properties.metadata", Json.createObjectBuilder().add("owner", "edi team").build());
        Object[][] cases = {
                {"contoso-rsa", full, "Digital Signature, Key Encipherment, Data Encipherment", "sha256WithRSAEncryption"},
                {"contoso-ec", with(issueBody("default", "issued-ec", ec, "CN=Contoso EC"),
                        "properties.signatureAlgorithm", Json.createValue("SHA2384")), "Digital Signature, Key Agreement",
                        "ecdsa-with-SHA384"},
                {"contoso-azure", issueBody("azure", "issued-azure", rsa, "CN=Contoso in Azure Key Vault"),
                        "Digital Signature, Key Encipherment, Data Encipherment", "sha256WithRSAEncryption"},
                {"contoso-transit", issueBody("onprem", "issued-transit", rsa, "CN=Contoso in Transit"),
                        "Digital Signature, Key Encipherment, Data Encipherment", "sha256WithRSAEncryption"}};
        for (Object[] c : cases) {
            String name = (String) c[0];
            var issued = record(api.post(base + name + "/issue", (JsonObject) c[1]));
            assertThat(issued.status()).as(name + ": " + issued.body()).isEqualTo(201);
            JsonObject properties = issued.json().getJsonObject("properties");
            assertThat(properties.getString("subject")).isEqualTo(properties.getString("issuer"));
            assertThat(properties.getJsonObject("key").getString("keyName")).isEqualTo(((JsonObject) c[1])
                    .getJsonObject("properties").getJsonObject("key").getString("keyName"));
            Path pem = work.resolve(name + ".pem");
            Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + properties.getString("publicCertificate")
                    + "\n-----END CERTIFICATE-----\n");
            OpenSsl.run(work, "verify", "-CAfile", pem.toString(), pem.toString());
            Process text = new ProcessBuilder("openssl", "x509", "-noout", "-text", "-in", pem.toString())
                    .redirectErrorStream(true).start();
            String shown = new String(text.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text.waitFor()).isZero();
            assertThat(shown).as(name).contains((String) c[2]).contains("Signature Algorithm: " + c[3])
                    .contains("CA:FALSE").contains("Subject Key Identifier");
            // The private certificate signs a message; openssl verifies it with the certificate as trust anchor.
            var signed = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/issuing/"
                    + "messages/encode?signingCertificateName=" + name)).header("Content-Type", "application/edi-x12")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("UNB+UNOA:1")));
            assertThat(signed.statusCode()).as(name).isEqualTo(200);
            Path message = work.resolve(name + ".eml");
            Files.write(message, concat(("Content-Type: " + signed.headers().firstValue("Content-Type").orElseThrow()
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), signed.body()));
            OpenSsl.run(work, "cms", "-verify", "-CAfile", pem.toString(), "-in", message.toString(), "-out",
                    work.resolve(name + ".payload").toString());
            // The signed entity, its payload base64-encoded inside.
            assertThat(Files.readString(work.resolve(name + ".payload"))).contains(Base64.getEncoder()
                    .encodeToString("UNB+UNOA:1".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        }
        Process text = new ProcessBuilder("openssl", "x509", "-noout", "-text", "-in",
                work.resolve("contoso-rsa.pem").toString()).redirectErrorStream(true).start();
        String shown = new String(text.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text.waitFor()).isZero();
        assertThat(shown).contains("DNS:as2.contoso.example").contains("email:as2@contoso.example")
                .contains("URI:https://contoso.example/as2").contains("E-mail Protection")
                .contains("TLS Web Client Authentication").contains("O = Contoso Ltd");
        JsonObject rsaIssued = api.get(base + "contoso-rsa").json().getJsonObject("properties");
        assertThat(java.time.Duration.between(Instant.parse(rsaIssued.getString("notBefore")),
                Instant.parse(rsaIssued.getString("notAfter"))).toDays()).isEqualTo(30);
        assertThat(rsaIssued.getJsonObject("metadata").getString("owner")).isEqualTo("edi team");

        // Issued again from the key that is there (its newest version), it replaces the certificate: 200.
        var again = record(api.post(base + "contoso-rsa/issue", issueBody("default", "issued-rsa", null,
                "CN=Contoso AS2 2027")));
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().getJsonObject("properties").getString("subject")).isEqualTo("CN=Contoso AS2 2027");

        // Refused, with the reason, nothing stored, each on record.
        Object[][] refused = {
                {issueBody("default", "issued-rsa", null, "not a name"), "InvalidRequestContent", "subject"},
                {issueBody("default", "issued-rsa", null, ""), "InvalidRequestContent", "subject"},
                {with(issueBody("default", "issued-ec", null, "CN=x"), "properties.keyUsage",
                        Json.createArrayBuilder().add("keyEncipherment").build()), "InvalidRequestContent", "EC key"},
                {with(issueBody("default", "issued-rsa", null, "CN=x"), "properties.keyUsage",
                        Json.createArrayBuilder().add("everything").build()), "InvalidRequestContent", "keyUsage"},
                {with(issueBody("default", "issued-rsa", null, "CN=x"), "properties.ekus",
                        Json.createArrayBuilder().add("anything").build()), "InvalidRequestContent", "ekus"},
                {with(issueBody("default", "issued-rsa", null, "CN=x"), "properties.validityInDays",
                        Json.createValue(0)), "InvalidRequestContent", "validityInDays"},
                {with(issueBody("default", "issued-rsa", null, "CN=x"), "properties.subjectAlternativeNames",
                        Json.createObjectBuilder().add("dnsNames", Json.createArrayBuilder().add("no spaces.example"))
                                .build()), "InvalidRequestContent", "dnsNames"},
                {with(issueBody("default", "issued-ec", null, "CN=x"), "properties.signatureAlgorithm",
                        Json.createValue("SHA1")), "AlgorithmNotAllowed", "ECDSA"},
                {issueBody("default", "no-such-key", null, "CN=x"), "InvalidKeyReference", "no-such-key"},
                {issueBody("nowhere", "issued-rsa", null, "CN=x"), "InvalidKeyReference", "nowhere"},
                {Json.createObjectBuilder().add("properties", Json.createObjectBuilder().add("subject", "CN=x"))
                        .build(), "InvalidKeyReference", "properties.key"}};
        for (Object[] r : refused) {
            var answer = record(api.post(base + "refused/issue", (JsonObject) r[0]));
            assertError(answer, 400, (String) r[1]);
            assertThat(answer.body()).as(answer.body()).contains((String) r[2]);
        }
        assertError(api.get(base + "refused"), 404, "CertificateNotFound");
        assertError(record(api.post("integrationAccounts/no-such-account/certificates/x/issue",
                issueBody("default", "issued-rsa", null, "CN=x"))), 404, "IntegrationAccountNotFound");

        var issues = api.get("auditEvents?operation=certificates/issue&account=issuing&$top=100").json()
                .getJsonArray("value").getValuesAs(JsonObject.class).stream().map(e -> e.getJsonObject("properties"))
                .toList();
        assertThat(issues.stream().filter(e -> e.getString("outcome").equals("Succeeded"))).hasSize(5);
        assertThat(issues.stream().filter(e -> e.getString("outcome").equals("Failed"))).hasSize(refused.length);
        assertThat(api.get("auditEvents?operation=keys/sign&account=issuing&certificate=contoso-ec").json()
                .getJsonArray("value")).isNotEmpty();
        assertThat(api.get("auditEvents?operation=keys/create&vault=default&key=issued-ec").json()
                .getJsonArray("value")).hasSize(1);
    }

    /**
     * A certificate signing request made from a vault key (signed in the vault), downloaded as PEM, signed by an
     * openssl CA, and completed with the CA's answer as a PEM bundle and as PKCS#7; the certificate then signs a
     * message that openssl verifies up to the CA.
     */
    @Test
    void certificateRequestsFromVaultKeysAreCompletedWithTheCasAnswer() throws Exception {
        createAccount("requesting");
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ca");
        OpenSsl.run(work, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-subj", "/CN=Certvault Test CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        String base = "integrationAccounts/requesting/certificateRequests/";
        JsonObject rsa = Json.createObjectBuilder().add("kty", "RSA").add("size", 2048).build();
        JsonObject ec = Json.createObjectBuilder().add("kty", "EC").add("crv", "P-256").build();
        Object[][] cases = {{"contoso-2027", issueBody("default", "requested-rsa", rsa,
                "CN=Contoso AS2 2027, O=Contoso Ltd"), "bundle"},
                {"contoso-ec", issueBody("azure", "requested-ec", ec, "CN=Contoso EC"), "pkcs7"}};
        for (Object[] c : cases) {
            String name = (String) c[0];
            JsonObject body = with((JsonObject) c[1], "properties.subjectAlternativeNames", Json.createObjectBuilder()
                    .add("dnsNames", Json.createArrayBuilder().add("as2.contoso.example")).build());
            var made = record(api.post(base + name, body));
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            JsonObject properties = made.json().getJsonObject("properties");
            assertThat(properties.getString("state")).isEqualTo("Pending");
            assertThat(properties.getJsonObject("key").getString("keyVersion")).as("the version that signed it")
                    .isNotBlank();
            var csr = api.get(base + name + "/csr");
            assertThat(csr.status()).isEqualTo(200);
            assertThat(csr.body()).isEqualTo(properties.getString("csr")).startsWith("-----BEGIN CERTIFICATE REQUEST");
            Files.writeString(work.resolve(name + ".csr"), csr.body());
            OpenSsl.run(work, "req", "-verify", "-noout", "-in", name + ".csr");
            OpenSsl.run(work, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                    "-CAcreateserial", "-days", "30", "-copy_extensions", "copy", "-out", name + ".pem");
            String answer;
            if (c[2].equals("bundle")) {
                answer = Files.readString(work.resolve(name + ".pem")) + Files.readString(work.resolve("ca.pem"));
            } else {
                OpenSsl.run(work, "crl2pkcs7", "-nocrl", "-certfile", name + ".pem", "-certfile", "ca.pem", "-out",
                        name + ".p7b");
                answer = Files.readString(work.resolve(name + ".p7b"));
            }
            var completed = record(api.post(base + name + "/complete", Json.createObjectBuilder().add("properties",
                    Json.createObjectBuilder().add("certificate", answer)).build()));
            assertThat(completed.status()).as(completed.body()).isEqualTo(201);
            JsonObject certificate = completed.json().getJsonObject("properties");
            assertThat(certificate.getString("issuer")).contains("Certvault Test CA");
            assertThat(certificate.getJsonObject("key").getString("keyName"))
                    .isEqualTo(properties.getJsonObject("key").getString("keyName"));
            assertThat(api.get(base + name).json().getJsonObject("properties").getString("state"))
                    .isEqualTo("Completed");
            assertError(record(api.post(base + name + "/complete", Json.createObjectBuilder().add("properties",
                    Json.createObjectBuilder().add("certificate", answer)).build())), 409,
                    "CertificateRequestCompleted");

            // The CA-issued certificate signs; openssl verifies the message up to the CA.
            var signed = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/requesting/"
                    + "messages/encode?signingCertificateName=" + name)).header("Content-Type", "application/edi-x12")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("UNB+UNOA:1")));
            assertThat(signed.statusCode()).isEqualTo(200);
            Files.write(work.resolve(name + ".eml"), concat(("Content-Type: " + signed.headers()
                    .firstValue("Content-Type").orElseThrow() + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII), signed.body()));
            OpenSsl.run(work, "cms", "-verify", "-CAfile", "ca.pem", "-in", name + ".eml", "-out", name + ".payload");
        }
        assertThat(api.get(base).json().getJsonArray("value")).hasSize(2);

        // Answers that do not fit are refused, the request stays pending.
        var pending = record(api.post(base + "pending", issueBody("default", "requested-rsa", null, "CN=Pending")));
        assertThat(pending.status()).as(pending.body()).isEqualTo(201);
        String other = TestCertificates.pem(TestCertificates.selfSigned(TestCertificates.rsa(2048), "someone else"));
        for (String[] wrong : new String[][] {{other, "CertificateRequestMismatch"}, {"not a certificate",
                "InvalidCertificate"}, {"", "InvalidCertificate"}}) {
            assertError(record(api.post(base + "pending/complete", Json.createObjectBuilder().add("properties",
                    Json.createObjectBuilder().add("certificate", wrong[0])).build())), 400, wrong[1]);
        }
        assertError(record(api.post(base + "contoso-2027", issueBody("default", "requested-rsa", null, "CN=x"))),
                409, "CertificateRequestExists");
        assertError(api.get(base + "nothing"), 404, "CertificateRequestNotFound");
        assertThat(api.get(base + "pending").json().getJsonObject("properties").getString("state"))
                .isEqualTo("Pending");

        // Deleting a request leaves its key.
        assertThat(record(api.delete(base + "pending")).status()).isEqualTo(200);
        assertThat(api.delete(base + "pending").status()).isEqualTo(204);
        assertThat(api.get("vaults/default/keys/requested-rsa").status()).isEqualTo(200);
        assertThat(api.get("auditEvents?operation=certificateRequests/complete&account=requesting").json()
                .getJsonArray("value")).hasSizeGreaterThanOrEqualTo(2 + 2 + 3);
    }

    @Test
    void messagesRoundTripThroughTheApi() {
        messagingAccount("edi");
        String payload = "ISA*00*          *00*          *ZZ*CONTOSO        *ZZ*FABRIKAM       *~\n";

        var encoded = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri(
                "integrationAccounts/edi/messages/encode?signingCertificateName=ec&signingAlgorithm=SHA2384"
                        + "&encryptionCertificateName=rsa&encryptionAlgorithm=AES256GCM&compressMessage=true"
                        + "&api-version=2016-06-01"))
                .header("Content-Type", "application/edi-x12").POST(java.net.http.HttpRequest.BodyPublishers.ofString(payload)));
        assertThat(encoded.statusCode()).isEqualTo(200);
        String contentType = encoded.headers().firstValue("Content-Type").orElseThrow();
        assertThat(contentType).startsWith("application/pkcs7-mime").contains("smime-type=authEnveloped-data");
        String mic = encoded.headers().firstValue("X-Certvault-MIC").orElseThrow();
        assertThat(mic).endsWith(", sha-384");

        var decoded = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/edi/messages/decode"))
                .header("Content-Type", contentType)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(encoded.body())));
        assertThat(decoded.statusCode()).isEqualTo(200);
        assertThat(new String(decoded.body(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(payload);
        assertThat(decoded.headers().firstValue("Content-Type")).hasValue("application/edi-x12");
        assertThat(decoded.headers().firstValue("X-Certvault-Signed-By")).hasValue("ec");
        assertThat(decoded.headers().firstValue("X-Certvault-Decrypted-With")).hasValue("rsa");
        assertThat(decoded.headers().firstValue("X-Certvault-Decompressed")).hasValue("true");
        assertThat(decoded.headers().firstValue("X-Certvault-MIC")).hasValue(mic);

        // Signed only, then altered on the way: refused.
        var signed = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri(
                "integrationAccounts/edi/messages/encode?signingCertificateName=rsa"))
                .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString("pay 100 EUR")));
        String signedType = signed.headers().firstValue("Content-Type").orElseThrow();
        assertThat(signedType).startsWith("multipart/signed").contains("micalg=sha-256");
        byte[] altered = new String(signed.body(), java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("pay 100 EUR", "pay 900 EUR").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertError(postMessage("integrationAccounts/edi/messages/decode", signedType, altered), 400, "SignatureInvalid");
        assertError(postMessage("integrationAccounts/edi/messages/decode?verificationCertificateName=ec", signedType,
                signed.body()), 400, "SignerUnknown");
    }

    @Test
    void messageErrorsAreClearAndNeverA500() {
        messagingAccount("edi-errors");
        String partner = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "partner"));
        assertThat(putCertificate("edi-errors", "partner", partner, null).status()).isEqualTo(201);
        KeyPair old = TestCertificates.rsa(2048);
        assertThat(api.put("vaults/default/keys/edi-errors-old", Json.createObjectBuilder()
                .add("key", TestCertificates.pkcs8Pem(remember(old).getPrivate())).build()).status()).isEqualTo(201);
        java.time.Instant now = java.time.Instant.now();
        assertThat(putCertificate("edi-errors", "expired", TestCertificates.base64(TestCertificates.selfSigned(old, "old",
                now.minusSeconds(86400 * 400), now.minusSeconds(86400))), null,
                keyReference("default", "edi-errors-old", null)).status()).isEqualTo(201);
        String path = "integrationAccounts/edi-errors/messages/";
        byte[] data = "data".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertError(postMessage(path + "encode", "text/plain", data), 400, "InvalidRequestContent");
        assertError(postMessage(path + "encode?signingCertificateName=partner", "text/plain", data), 400,
                "CertificateNotPrivate");
        assertError(postMessage(path + "encode?signingCertificateName=nobody", "text/plain", data), 404,
                "CertificateNotFound");
        assertError(postMessage(path + "encode?signingCertificateName=rsa&signingAlgorithm=MD5", "text/plain", data),
                400, "AlgorithmNotAllowed");
        assertError(postMessage(path + "encode?signingCertificateName=ec&signingAlgorithm=SHA2256-PSS", "text/plain",
                data), 400, "AlgorithmNotAllowed");
        assertError(postMessage(path + "encode?encryptionCertificateName=rsa&encryptionAlgorithm=RC2", "text/plain",
                data), 400, "AlgorithmNotAllowed");
        assertError(postMessage(path + "encode?signingCertificateName=expired", "text/plain", data), 400,
                "CertificateExpired");
        assertError(postMessage(path + "encode?compressMessage=maybe", "text/plain", data), 400, "InvalidRequestContent");
        assertError(postMessage("integrationAccounts/nobody/messages/encode?compressMessage=true", "text/plain", data),
                404, "IntegrationAccountNotFound");

        assertError(postMessage(path + "decode", "application/pkcs7-mime; smime-type=enveloped-data", data), 400,
                "MalformedMessage");
        assertError(postMessage(path + "decode", "multipart/signed; boundary=x", data), 400, "MalformedMessage");
        // A Content-Type header that cannot be parsed is refused by the server before Certvault sees it.
        assertThat(postMessage(path + "decode", "multipart/signed; boundary=\"unclosed", data).status()).isEqualTo(400);
        assertError(postMessage(path + "decode", "text/plain", data), 400, "MalformedMessage");

        // Encrypted to the partner, whose private key Certvault does not hold.
        var forPartner = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri(path
                + "encode?encryptionCertificateName=partner")).header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(data)));
        assertThat(forPartner.statusCode()).isEqualTo(200);
        var notOurs = postMessage(path + "decode", forPartner.headers().firstValue("Content-Type").orElseThrow(),
                forPartner.body());
        assertError(notOurs, 400, "NoMatchingPrivateCertificate");
        assertThat(notOurs.errorMessage()).contains("CN=partner");

        // Cut short or altered on the way: the message's fault, with its code.
        byte[] payload = "ISA*00*payload~\n".repeat(150).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        var gcm = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri(path
                + "encode?encryptionCertificateName=rsa&encryptionAlgorithm=AES128GCM"))
                .header("Content-Type", "application/edi-x12")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(payload)));
        assertThat(gcm.statusCode()).isEqualTo(200);
        String gcmType = gcm.headers().firstValue("Content-Type").orElseThrow();
        byte[] altered = gcm.body().clone();
        altered[altered.length - 200] ^= 0x01; // in the ciphertext, before the tag
        assertError(postMessage(path + "decode", gcmType, altered), 400, "IntegrityCheckFailed");
        var cutGcm = postMessage(path + "decode", gcmType, java.util.Arrays.copyOf(gcm.body(), gcm.body().length / 2));
        assertThat(cutGcm.status()).as(cutGcm.body()).isEqualTo(400);
        assertThat(cutGcm.errorCode()).isIn("MalformedMessage", "IntegrityCheckFailed");
        var compressed = api.sendBytes(java.net.http.HttpRequest.newBuilder(api.uri(path + "encode?compressMessage=true"))
                .header("Content-Type", "application/edi-x12")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(payload)));
        assertThat(compressed.statusCode()).isEqualTo(200);
        assertError(postMessage(path + "decode", compressed.headers().firstValue("Content-Type").orElseThrow(),
                java.util.Arrays.copyOf(compressed.body(), compressed.body().length - 30)), 400, "MalformedMessage");
    }

    /**
     * A client that sends less than its Content-Length and then waits gets a 400 when the server's read times
     * out (or its connection closed), never a 500; for a message as for a JSON body.
     */
    @Test
    void aBodyShorterThanItsContentLengthIsTheClientsFault() throws Exception {
        createAccount("edi-short");
        String authorization = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:"
                + System.getProperty("certvault.it.admin-password")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String prefix = deploymentUrl.getPath() + "api/";
        List<java.net.Socket> clients = new java.util.ArrayList<>();
        long started = System.nanoTime();
        // The start of a BER ContentInfo, and the start of a JSON object: each waits for more.
        byte[] berStart = {0x30, (byte) 0x80, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d};
        for (Object[] request : List.of(
                new Object[] {"POST", "integrationAccounts/edi-short/messages/decode", "application/pkcs7-mime", berStart},
                new Object[] {"PUT", "integrationAccounts/edi-short-put", "application/json",
                        "{\"tags\": {".getBytes(java.nio.charset.StandardCharsets.US_ASCII)})) {
            java.net.Socket socket = new java.net.Socket("127.0.0.1", deploymentUrl.getPort());
            socket.setSoTimeout(150_000);
            socket.getOutputStream().write((request[0] + " " + prefix + request[1] + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\nAuthorization: " + authorization + "\r\nContent-Type: " + request[2]
                    + "\r\nContent-Length: 1000\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write((byte[]) request[3]);
            socket.getOutputStream().flush();
            clients.add(socket);
        }
        for (java.net.Socket socket : clients) {
            try (socket) {
                String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                long seconds = (System.nanoTime() - started) / 1_000_000_000;
                System.out.println("A body short of its Content-Length: answered after " + seconds + " s: "
                        + answer.lines().findFirst().orElse("(connection closed)"));
                if (!answer.isEmpty()) {
                    assertThat(answer).startsWith("HTTP/1.1 400").contains("InvalidRequestContent");
                }
                // Payara Micro ends a read that waits longer than its HTTP timeout-seconds (30 s by default).
                assertThat(seconds).isLessThan(90);
            } catch (java.net.SocketException e) {
                // the server closed the connection: the client learns that its request failed
            }
        }
    }

    /**
     * A declared length beyond what an int holds is a size, not an unreadable request: 413 for a JSON body at
     * once, without waiting for the gigabytes, and nothing is created.
     */
    @Test
    void aJsonBodyDeclaredAtFiveGigabytesIsTooLargeAtOnce() throws Exception {
        String authorization = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:"
                + System.getProperty("certvault.it.admin-password")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", deploymentUrl.getPort())) {
            socket.setSoTimeout(20_000); // well below the server's read timeout: the answer must not wait for it
            socket.getOutputStream().write(("PUT " + deploymentUrl.getPath() + "api/integrationAccounts/five-gb"
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization
                    + "\r\nContent-Type: application/json\r\nContent-Length: 5368709120\r\n\r\n{\"tags\": {")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // The answer comes at once; the connection may stay open while the server drops what follows.
            StringBuilder answer = new StringBuilder();
            byte[] chunk = new byte[4096];
            int read;
            while (answer.indexOf("}}") < 0 && (read = socket.getInputStream().read(chunk)) > 0) {
                answer.append(new String(chunk, 0, read, java.nio.charset.StandardCharsets.UTF_8));
            }
            assertThat(answer.toString()).startsWith("HTTP/1.1 413").contains("\"code\":\"RequestTooLarge\"");
        }
        assertThat(api.get("integrationAccounts/five-gb").status()).isEqualTo(404);
    }

    /** 100 MB through encode and decode, streaming, with the server's heap at 256 MB (see the failsafe settings). */
    @Test
    void aHundredMegabyteMessageStreamsThroughBothWays() throws Exception {
        messagingAccount("edi-large");
        long size = 100L * 1024 * 1024;
        java.security.MessageDigest sent = java.security.MessageDigest.getInstance("SHA-256");
        Path encodedFile = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "large-", ".p7m");
        try {
            var encoded = api.sendToFile(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/edi-large/"
                    + "messages/encode?signingCertificateName=rsa&encryptionCertificateName=rsa"))
                    .header("Content-Type", "application/octet-stream")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.security.DigestInputStream(
                            new io.certvault.testing.GeneratedStream(size), sent))), encodedFile);
            assertThat(encoded.statusCode()).isEqualTo(200);
            assertThat(Files.size(encodedFile)).isGreaterThan(size);

            java.security.MessageDigest received = java.security.MessageDigest.getInstance("SHA-256");
            var decoded = api.sendDigesting(java.net.http.HttpRequest.newBuilder(api.uri(
                    "integrationAccounts/edi-large/messages/decode"))
                    .header("Content-Type", encoded.headers().firstValue("Content-Type").orElseThrow())
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(encodedFile)), received);
            assertThat(decoded.statusCode()).isEqualTo(200);
            assertThat(decoded.headers().firstValue("X-Certvault-Signed-By")).hasValue("rsa");
            assertThat(received.digest()).isEqualTo(sent.digest());
        } finally {
            Files.deleteIfExists(encodedFile);
        }
    }

    // ---- bad input ------------------------------------------------------------------------------

    @Test
    void badInputGetsAClearErrorNeverA500() {
        createAccount("strict");
        String cert = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "strict"));

        assertError(api.put("integrationAccounts/strict", "{\"location\": "), 400, "InvalidRequestContent");
        assertError(api.put("integrationAccounts/strict", "{\"sku\": \"Standard\"}"), 400, "InvalidRequestContent");
        assertError(api.put("integrationAccounts/strict", "[1, 2]"), 400, "InvalidRequestContent");
        assertError(api.put("integrationAccounts/strict/certificates/c", "{\"properties\": 5}"), 400,
                "InvalidRequestContent");
        assertError(api.put("integrationAccounts/strict/certificates/c", "{}"), 400, "InvalidRequestContent");
        assertError(putCertificate("strict", "c", "bm90IGEgY2VydGlmaWNhdGU=", null), 400, "InvalidCertificate");
        assertError(putCertificate("strict", "c", "", null), 400, "InvalidCertificate");
        assertError(putCertificate("strict", "c", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", null),
                400, "InvalidCertificate");

        assertError(api.put("integrationAccounts/bad%20name", "{}"), 400, "InvalidName");
        assertError(api.put("integrationAccounts/" + "a".repeat(81), "{}"), 400, "InvalidName");
        assertError(api.put("integrationAccounts/...", "{}"), 400, "InvalidName");
        assertError(putCertificate("strict", "semi%3Bcolon", cert, null), 400, "InvalidName");
        assertError(api.post("vaults/default/keys/bad%2Fname/create", Json.createObjectBuilder().add("kty", "EC")
                .build()), 400, "InvalidRequestContent");

        assertError(api.get("integrationAccounts/nobody"), 404, "IntegrationAccountNotFound");
        assertError(putCertificate("nobody", "c", cert, null), 404, "IntegrationAccountNotFound");
        assertError(api.get("integrationAccounts/strict/certificates/none"), 404, "CertificateNotFound");
        assertError(api.get("no/such/path"), 404, "NotFound");
        assertError(api.get("nope"), 404, "NotFound");
        // A method the resource does not take: the JSON error too, with the methods it does take.
        var notAllowed = api.send(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts"))
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json"));
        assertError(notAllowed, 405, "MethodNotAllowed");
        assertError(api.delete("integrationAccounts"), 405, "MethodNotAllowed");

        assertError(api.get("integrationAccounts?$top=0"), 400, "InvalidRequestContent");
        assertError(api.get("integrationAccounts?$top=lots"), 400, "InvalidRequestContent");
        assertError(api.get("integrationAccounts?$skiptoken=%25%25"), 400, "InvalidRequestContent");

        String huge = "{\"location\": \"" + "x".repeat(1024 * 1024) + "\"}";
        assertError(api.put("integrationAccounts/strict", huge), 413, "RequestTooLarge");
        // The same without a declared length (chunked).
        assertError(api.send(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/strict"))
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(huge.getBytes(java.nio.charset.StandardCharsets.UTF_8))))),
                413, "RequestTooLarge");
        assertError(api.send(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/strict"))
                .header("Content-Type", "text/plain").PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x"))),
                415, "UnsupportedMediaType");

        // Still serving, and nothing half-written.
        assertThat(api.get("integrationAccounts/strict/certificates").json().getJsonArray("value")).isEmpty();
        assertThat(api.get("integrationAccounts/strict").status()).isEqualTo(200);
    }

    /**
     * A change refused before its service is reached (a body that is not JSON or of the wrong shape, a name the
     * API does not take) is on record like any refused change: every changing endpoint, with its error code.
     */
    @Test
    void everyRefusedChangeIsOnRecordThoughItsBodyOrNameIsRefusedFirst() throws Exception {
        createAccount("refusals");
        String notJson = "not json";
        String wrongShape = "{\"location\": 5}";
        // method, path, body (null: none), operation, the audit property naming the target, its value, status
        List<String[]> refusals = List.of(
                new String[] {"PUT", "integrationAccounts/refused-a", notJson, "integrationAccounts/write",
                        "account", "refused-a", "400"},
                new String[] {"PUT", "integrationAccounts/refused-b", wrongShape, "integrationAccounts/write",
                        "account", "refused-b", "400"},
                new String[] {"PUT", "integrationAccounts/bad%20name", "{}", "integrationAccounts/write",
                        "account", "bad name", "400"},
                new String[] {"DELETE", "integrationAccounts/bad%20name2", null, "integrationAccounts/delete",
                        "account", "bad name2", "400"},
                new String[] {"PUT", "integrationAccounts/refusals/certificates/c1", "{\"properties\": []}",
                        "certificates/write", "certificate", "c1", "400"},
                new String[] {"DELETE", "integrationAccounts/refusals/certificates/bad%20c", null,
                        "certificates/delete", "certificate", "bad c", "400"},
                new String[] {"PUT", "vaults/default/keys/refused-k", "{\"key\": ", "keys/import", "key",
                        "refused-k", "400"},
                new String[] {"POST", "vaults/default/keys/refused-c/create", "{\"kty\": 1}", "keys/create", "key",
                        "refused-c", "400"},
                new String[] {"DELETE", "vaults/default/keys/bad%20k", null, "keys/delete", "key", "bad k", "400"},
                new String[] {"PUT", "users/refused-u", "[]", "users/write", "resource", "users/refused-u", "400"},
                new String[] {"POST", "users/admin/password", "{\"currentPassword\": true}", "users/password",
                        "resource", "users/admin", "400"},
                new String[] {"DELETE", "users/bad%20u", null, "users/delete", "resource", "users/bad u", "400"},
                new String[] {"PUT", "roleAssignments/refused-r", "{\"properties\": {\"scope\": 7}}",
                        "roleAssignments/write", "resource", "roleAssignments/refused-r", "400"},
                new String[] {"DELETE", "roleAssignments/bad%20r", null, "roleAssignments/delete", "resource",
                        "roleAssignments/bad r", "400"});
        for (String[] refusal : refusals) {
            var request = java.net.http.HttpRequest.newBuilder(api.uri(refusal[1]));
            var answer = api.send(refusal[2] == null ? request.DELETE() : request.header("Content-Type", "application/json")
                    .method(refusal[0], java.net.http.HttpRequest.BodyPublishers.ofString(refusal[2])));
            String what = refusal[0] + " " + refusal[1] + " " + refusal[2];
            assertThat(answer.status()).as(what + ": " + answer.body()).isEqualTo(Integer.parseInt(refusal[6]));
            var events = api.get("auditEvents?operation=" + refusal[3] + "&outcome=Failed&$top=20").json()
                    .getJsonArray("value").stream().map(v -> v.asJsonObject().getJsonObject("properties"))
                    .filter(p -> refusal[5].equals(p.getString(refusal[4], null))).toList();
            assertThat(events).as(what + " on record").hasSize(1);
            assertThat(events.get(0).getString("errorCode")).as(what).isEqualTo(answer.errorCode());
        }
        // A value of the wrong JSON type is named, and nothing was made of it.
        var shape = api.put("integrationAccounts/refused-b", wrongShape);
        assertThat(shape.errorMessage()).isEqualTo("location must be a JSON string.");
        assertThat(api.get("integrationAccounts/refused-b").status()).isEqualTo(404);
        // A name far beyond what a name may be is recorded shortened, and the trail is still intact.
        String longName = "x".repeat(300);
        assertError(api.put("integrationAccounts/" + longName, "{}"), 400, "InvalidName");
        var shortened = api.get("auditEvents?operation=integrationAccounts/write&outcome=Failed&$top=1").json()
                .getJsonArray("value").getJsonObject(0).getJsonObject("properties").getString("account");
        assertThat(shortened).hasSize(80).startsWith("xxxx").endsWith("...");
        assertThat(api.get("auditEvents/verification").json().getBoolean("intact")).isTrue();
    }

    @Test
    void theApiKeepsItsRulesForOddPathsAndBodies() throws Exception {
        createAccount("rules");
        URI base = api.uri("");
        ApiClient nobody = ApiClient.anonymous(base);
        // Paths whose escapes or dot segments would lead elsewhere: 401 first, then the API's own 400.
        for (String path : List.of("integrationAccounts/..%2F..%2Fetc", "integrationAccounts/rules/..",
                "integrationAccounts/%2e%2e", "..%2Faccounts.xhtml", "integrationAccounts/a%2Fb", "..")) {
            URI uri = URI.create(base + path);
            for (String method : List.of("GET", "DELETE")) {
                var refused = api.send(java.net.http.HttpRequest.newBuilder(uri).method(method,
                        java.net.http.HttpRequest.BodyPublishers.noBody()));
                assertError(refused, 400, "InvalidRequestContent");
                assertError(nobody.send(java.net.http.HttpRequest.newBuilder(uri).method(method,
                        java.net.http.HttpRequest.BodyPublishers.noBody())), 401, "AuthenticationFailed");
            }
        }
        assertThat(api.get("integrationAccounts/rules").status()).isEqualTo(200);

        // A role assignment always names its scope.
        for (String scope : new String[] {null, ""}) {
            JsonObjectBuilder properties = Json.createObjectBuilder().add("principalName", "someone")
                    .add("roleName", "reader");
            if (scope != null) {
                properties.add("scope", scope);
            }
            assertError(api.put("roleAssignments/no-scope", Json.createObjectBuilder().add("properties", properties)
                    .build()), 400, "InvalidRequestContent");
        }
        assertThat(api.get("roleAssignments/no-scope").status()).isEqualTo(404);

        // One JSON value, and integers where integers are meant.
        assertError(api.put("integrationAccounts/rules", "{} x"), 400, "InvalidRequestContent");
        assertError(api.put("integrationAccounts/rules", "{}{}"), 400, "InvalidRequestContent");
        for (String size : List.of("2048.5", "\"2048\"", "2048.25e1", "1e400", "99999999999999999999")) {
            assertError(api.send(java.net.http.HttpRequest.newBuilder(api.uri("vaults/default/keys/strict-size/create"))
                    .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"kty\": \"RSA\", \"size\": " + size + "}"))), 400, "InvalidRequestContent");
        }
        assertThat(api.get("vaults/default/keys/strict-size").status()).isEqualTo(404);

        // A private key whose parts belong to two keys, and a curve Certvault does not take.
        RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) remember(TestCertificates.rsa(2048)).getPrivate();
        RSAPrivateCrtKey other = (RSAPrivateCrtKey) remember(TestCertificates.rsa(2048)).getPrivate();
        JsonObject mixed = Json.createObjectBuilder().add("kty", "RSA").add("n", TestCertificates.base64url(rsa.getModulus()))
                .add("e", TestCertificates.base64url(rsa.getPublicExponent()))
                .add("d", TestCertificates.base64url(other.getPrivateExponent()))
                .add("p", TestCertificates.base64url(rsa.getPrimeP())).add("q", TestCertificates.base64url(rsa.getPrimeQ()))
                .add("dp", TestCertificates.base64url(rsa.getPrimeExponentP()))
                .add("dq", TestCertificates.base64url(rsa.getPrimeExponentQ()))
                .add("qi", TestCertificates.base64url(rsa.getCrtCoefficient())).build();
        assertError(api.put("vaults/default/keys/mixed", Json.createObjectBuilder().add("key", mixed).build()), 400,
                "InvalidKey");
        var generator = java.security.KeyPairGenerator.getInstance("EC", io.certvault.pki.BouncyCastle.PROVIDER);
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256k1"));
        KeyPair k1 = remember(generator.generateKeyPair());
        var secp256k1 = api.put("vaults/default/keys/koblitz", Json.createObjectBuilder()
                .add("key", TestCertificates.pkcs8Pem(k1.getPrivate())).build());
        assertError(secp256k1, 400, "UnsupportedKeyType");
        assertThat(secp256k1.errorMessage()).contains("P-256");
        // Refused imports and creations are on record with their error, as is a refused key reference.
        assertError(putCertificate("rules", "bad-reference", TestCertificates.base64(TestCertificates.selfSigned(
                TestCertificates.rsa(2048), "rules")), null, Json.createObjectBuilder().add("keyName", "k").build()),
                400, "InvalidKeyReference");
        var oddSize = api.post("vaults/default/keys/odd-size/create", Json.createObjectBuilder().add("kty", "RSA")
                .add("size", 1000).build());
        assertThat(oddSize.status()).as(oddSize.body()).isEqualTo(400);
        for (String[] refusal : List.of(new String[] {"keys/import", "mixed", "InvalidKey"},
                new String[] {"keys/import", "koblitz", "UnsupportedKeyType"},
                new String[] {"keys/create", "odd-size", oddSize.errorCode()})) {
            var events = api.get("auditEvents?operation=" + refusal[0] + "&key=" + refusal[1] + "&outcome=Failed")
                    .json().getJsonArray("value");
            assertThat(events).as(String.join(" ", refusal)).isNotEmpty();
            assertThat(events.getJsonObject(0).getJsonObject("properties").getString("errorCode")).isEqualTo(refusal[2]);
        }
        var refusedReference = api.get("auditEvents?operation=certificates/write&certificate=bad-reference"
                + "&outcome=Failed&$top=1").json().getJsonArray("value").getJsonObject(0).getJsonObject("properties");
        assertThat(refusedReference.getString("errorCode")).isEqualTo("InvalidKeyReference");
        var imported = api.put("vaults/default/keys/recorded", Json.createObjectBuilder()
                .add("key", TestCertificates.pkcs8Pem(remember(TestCertificates.rsa(2048)).getPrivate())).build());
        assertThat(imported.status()).isEqualTo(201);
        var importRecord = api.get("auditEvents?operation=keys/import&key=recorded&outcome=Succeeded&$top=1").json()
                .getJsonArray("value").getJsonObject(0).getJsonObject("properties");
        assertThat(importRecord.getString("keyVersion"))
                .isEqualTo(imported.json().getJsonObject("properties").getString("version"));

        // Skip tokens: only those this server issued.
        assertError(api.get("integrationAccounts?$skiptoken=" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString("rules".getBytes(java.nio.charset.StandardCharsets.UTF_8))), 400, "InvalidRequestContent");
        createAccount("rules-2");
        String next = api.get("integrationAccounts?$top=1").json().getString("nextLink");
        assertThat(api.getAbsolute(next).status()).isEqualTo(200);
        int token = next.indexOf("skiptoken=") + "skiptoken=".length();
        char altered = next.charAt(token) == 'A' ? 'B' : 'A';
        assertError(api.getAbsolute(next.substring(0, token) + altered + next.substring(token + 1)), 400,
                "InvalidRequestContent");

        // A Content-Type that is no media type.
        assertError(api.send(java.net.http.HttpRequest.newBuilder(api.uri("integrationAccounts/rules/messages/encode"))
                .header("Content-Type", "///").POST(java.net.http.HttpRequest.BodyPublishers.ofString("EDI"))), 400,
                "InvalidRequestContent");
    }

    @Test
    void servesHealthAndOpenApi() {
        URI root = api.uri("/").resolve("/");
        // Health is open, so it tells states only: no database URL, data directory or vault address.
        ApiClient anyone = ApiClient.anonymous(root);
        var ready = anyone.get("health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).contains("\"database\"").contains("\"vaults\"").contains("UP")
                .contains("\"default\":\"Up\"");
        for (String health : List.of("health", "health/ready", "health/live")) {
            var reply = anyone.get(health);
            assertThat(reply.status()).as(health).isEqualTo(200);
            assertThat(reply.body()).as(health).doesNotContain("jdbc:")
                    .doesNotContain(System.getProperty("certvault.it.db-url"))
                    .doesNotContain(Path.of(System.getProperty("certvault.it.data")).toString())
                    .doesNotContain(Path.of(System.getProperty("certvault.it.data")).getParent().toString())
                    .doesNotContain("127.0.0.1").doesNotContain("https://");
        }
        var openapi = api.getAbsolute(root.resolve("openapi").toString());
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.body()).contains("/integrationAccounts/{account}/certificates/{name}")
                .contains("/vaults/{vault}/keys/{key}");
    }

    // ---- helpers --------------------------------------------------------------------------------

    private ApiClient.Reply record(ApiClient.Reply reply) {
        RESPONSES.add(reply.body());
        return reply;
    }

    private void createAccount(String name) {
        assertThat(api.put("integrationAccounts/" + name, "{}").status()).isIn(200, 201);
    }

    private ApiClient.Reply putCertificate(String account, String name, String certificate, JsonObject metadata) {
        return putCertificate(account, name, certificate, metadata, null);
    }

    private ApiClient.Reply putCertificate(String account, String name, String certificate, JsonObject metadata,
            JsonObject key) {
        JsonObjectBuilder properties = Json.createObjectBuilder().add("publicCertificate", certificate);
        if (metadata != null) {
            properties.add("metadata", metadata);
        }
        if (key != null) {
            properties.add("key", key);
        }
        return record(api.put("integrationAccounts/" + account + "/certificates/" + name,
                Json.createObjectBuilder().add("properties", properties).build()));
    }

    private static JsonObject keyReference(String vault, String keyName, String version) {
        JsonObjectBuilder key = Json.createObjectBuilder()
                .add("keyVault", Json.createObjectBuilder().add("name", vault)).add("keyName", keyName);
        if (version != null) {
            key.add("keyVersion", version);
        }
        return key.build();
    }

    private static void assertError(ApiClient.Reply reply, int status, String code) {
        RESPONSES.add(reply.body());
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.errorCode()).isEqualTo(code);
        assertThat(reply.errorMessage()).isNotBlank();
    }

    private static KeyPair remember(KeyPair pair) {
        IMPORTED.add(pair);
        return pair;
    }
}
