using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>SSM document lifecycle through the AWS CLI, as the AWS CLI documentation shows it against AWS.</summary>
public sealed class SsmDocumentCliTests
{
    private const string Prefs = """{"schemaVersion":"1.0","description":"Session preferences","sessionType":"Standard_Stream","inputs":{"s3BucketName":"acme-session-logs","s3EncryptionEnabled":true,"cloudWatchLogGroupName":"/ssm/sessions","cloudWatchEncryptionEnabled":true,"cloudWatchStreamingEnabled":true,"idleSessionTimeout":"20","runAsEnabled":false}}""";

    [Fact]
    public async Task Document_versions_default_version_and_duplicate_content_behave_as_in_AWS()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);

        var created = await aws.OkAsync("ssm", "create-document", "--name", "SSM-SessionManagerRunShell", "--content", Prefs, "--document-type", "Session", "--document-format", "JSON");
        Assert.Equal("1", created["DocumentDescription"]!["DocumentVersion"]!.GetValue<string>());
        Assert.Equal("Session", created["DocumentDescription"]!["DocumentType"]!.GetValue<string>());

        await aws.FailsAsync("DocumentAlreadyExists", "ssm", "create-document", "--name", "SSM-SessionManagerRunShell", "--content", Prefs, "--document-type", "Session");

        string v2 = Prefs.Replace("\"20\"", "\"30\"", StringComparison.Ordinal);
        var updated = await aws.OkAsync("ssm", "update-document", "--name", "SSM-SessionManagerRunShell", "--content", v2, "--document-version", "$LATEST");
        Assert.Equal("2", updated["DocumentDescription"]!["DocumentVersion"]!.GetValue<string>());
        Assert.Equal("1", updated["DocumentDescription"]!["DefaultVersion"]!.GetValue<string>());

        // The new version is not the default until promoted: the default content is still version 1.
        var got = await aws.OkAsync("ssm", "get-document", "--name", "SSM-SessionManagerRunShell");
        Assert.Equal("1", got["DocumentVersion"]!.GetValue<string>());
        Assert.Equal(Prefs, got["Content"]!.GetValue<string>());

        await aws.FailsAsync("DuplicateDocumentContent", "ssm", "update-document", "--name", "SSM-SessionManagerRunShell", "--content", v2, "--document-version", "$LATEST");
        await aws.FailsAsync("InvalidDocumentVersion", "ssm", "update-document", "--name", "SSM-SessionManagerRunShell", "--content", Prefs + " ", "--document-version", "1");

        var promoted = await aws.OkAsync("ssm", "update-document-default-version", "--name", "SSM-SessionManagerRunShell", "--document-version", "2");
        Assert.Equal("2", promoted["Description"]!["DefaultVersion"]!.GetValue<string>());

        var described = await aws.OkAsync("ssm", "describe-document", "--name", "SSM-SessionManagerRunShell");
        Assert.Equal("2", described["Document"]!["LatestVersion"]!.GetValue<string>());
        Assert.Equal("2", described["Document"]!["DefaultVersion"]!.GetValue<string>());
        Assert.Equal("Active", described["Document"]!["Status"]!.GetValue<string>());
        Assert.Equal("Sha256", described["Document"]!["HashType"]!.GetValue<string>());

        var first = await aws.OkAsync("ssm", "get-document", "--name", "SSM-SessionManagerRunShell", "--document-version", "1");
        Assert.Equal(Prefs, first["Content"]!.GetValue<string>());

        var versions = await aws.OkAsync("ssm", "list-document-versions", "--name", "SSM-SessionManagerRunShell");
        var list = versions["DocumentVersions"]!.AsArray();
        Assert.Equal(2, list.Count);
        Assert.True(list[1]!["IsDefaultVersion"]!.GetValue<bool>());

        await aws.FailsAsync("InvalidDocumentVersion", "ssm", "update-document-default-version", "--name", "SSM-SessionManagerRunShell", "--document-version", "7");
        await aws.FailsAsync("InvalidDocument", "ssm", "get-document", "--name", "No-Such-Document");
        await aws.FailsAsync("InvalidDocumentContent", "ssm", "create-document", "--name", "Broken", "--content", "{not json", "--document-type", "Session");
        await aws.FailsAsync("InvalidDocumentContent", "ssm", "create-document", "--name", "NoSessionType", "--content", """{"schemaVersion":"1.0"}""", "--document-type", "Session");

        // Checked by the service against the model (the CLI itself checks only required members and minimum lengths).
        var bad = await aws.FailsAsync("ValidationException", "ssm", "create-document", "--name", "bad name!", "--content", Prefs, "--document-type", "Session");
        Assert.Contains("Member must satisfy regular expression pattern", bad.Stderr, StringComparison.Ordinal);
        await aws.FailsAsync("ValidationException", "ssm", "create-document", "--name", "Enum", "--content", Prefs, "--document-type", "Sessionz");

        await aws.OkAsync("ssm", "delete-document", "--name", "SSM-SessionManagerRunShell");
        await aws.FailsAsync("InvalidDocument", "ssm", "describe-document", "--name", "SSM-SessionManagerRunShell");
    }

    [Fact]
    public async Task Yaml_documents_are_parsed_and_converted_on_request()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);
        const string yaml = "schemaVersion: '1.0'\ndescription: yaml prefs\nsessionType: Standard_Stream\ninputs:\n  s3EncryptionEnabled: true\n  idleSessionTimeout: '20'\n";
        await aws.OkAsync("ssm", "create-document", "--name", "YamlPrefs", "--content", yaml, "--document-type", "Session", "--document-format", "YAML");
        var json = await aws.OkAsync("ssm", "get-document", "--name", "YamlPrefs", "--document-format", "JSON");
        var content = JsonNode.Parse(json["Content"]!.GetValue<string>())!;
        Assert.True(content["inputs"]!["s3EncryptionEnabled"]!.GetValue<bool>());
        Assert.Equal("20", content["inputs"]!["idleSessionTimeout"]!.GetValue<string>());
        await aws.FailsAsync("InvalidDocumentContent", "ssm", "create-document", "--name", "BadYaml", "--content", "a: [unclosed", "--document-type", "Session", "--document-format", "YAML");
    }
}
