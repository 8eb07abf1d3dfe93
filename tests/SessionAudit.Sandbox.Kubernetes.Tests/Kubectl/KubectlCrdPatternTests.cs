namespace SessionAudit.Sandbox.Kubernetes.Tests.Kubectl;

/// <summary>kubectl apply of CRDs whose patterns Go's regexp refuses fails as on kube-apiserver; values are matched with RE2 semantics.</summary>
public sealed class KubectlCrdPatternTests
{
    private static string Crd(string keyPrefixPattern, string? secondVersionPattern = null) => $$"""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gadgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: gadgets, singular: gadget, kind: Gadget}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      s3:
                        type: object
                        properties:
                          keyPrefix: {type: string, maxLength: 1024, pattern: '{{keyPrefixPattern}}'}
        {{(secondVersionPattern is null ? "" : $$"""
          - name: v2
            served: true
            storage: false
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      tags:
                        type: array
                        items: {type: string, pattern: '{{secondVersionPattern}}'}
        """)}}
        """;

    [Fact]
    public async Task A_crd_with_a_repeat_count_above_1000_is_refused_naming_the_pattern()
    {
        await using var s = await SandboxScope.StartAsync();

        var apply = await s.Kubectl.RunAsync("apply", "-f", s.Manifest("crd.yaml", Crd(@"^([^/][^\x00-\x1F\x7F]{0,1023})?$")));
        var get = await s.Kubectl.RunAsync("get", "crd", "gadgets.example.com");

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Contains(
            """The CustomResourceDefinition "gadgets.example.com" is invalid: spec.validation.openAPIV3Schema.properties[spec].properties[s3].properties[keyPrefix].pattern: Invalid value: "^([^/][^\\x00-\\x1F\\x7F]{0,1023})?$": must be a valid regular expression, but isn't: error parsing regexp: invalid repeat count: `{0,1023}`""",
            apply.Stderr,
            StringComparison.Ordinal);
        Assert.NotEqual(0, get.ExitCode);
    }

    [Fact]
    public async Task A_crd_with_a_lookahead_is_refused_naming_the_pattern()
    {
        await using var s = await SandboxScope.StartAsync();

        var apply = await s.Kubectl.RunAsync("apply", "-f", s.Manifest("crd.yaml", Crd("^(?!/).*$")));

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Contains(
            """spec.validation.openAPIV3Schema.properties[spec].properties[s3].properties[keyPrefix].pattern: Invalid value: "^(?!/).*$": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: `(?!`""",
            apply.Stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Versions_with_different_schemas_are_named_by_version_index()
    {
        await using var s = await SandboxScope.StartAsync();

        var apply = await s.Kubectl.RunAsync("apply", "-f", s.Manifest("crd.yaml", Crd("^[a-z/]*$", "^(a)\\1$")));

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Contains(
            """spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[tags].items.pattern: Invalid value: "^(a)\\1$": must be a valid regular expression, but isn't: error parsing regexp: invalid escape sequence: `\1`""",
            apply.Stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_are_matched_with_RE2_semantics()
    {
        await using var s = await SandboxScope.StartAsync();
        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("crd.yaml", Crd(@"^[a-z/]+$")))).Succeeded();
        (await s.Kubectl.RunAsync("wait", "--for=condition=Established", "crd/gadgets.example.com", "--timeout=30s")).Succeeded();

        var plain = await s.Kubectl.RunAsync("apply", "-f", s.Manifest("ok.yaml", Gadget("ok", "sessions/")));
        // .NET's $ also matches before a final newline; RE2's does not, so kube-apiserver refuses this value.
        var newline = await s.Kubectl.RunAsync("apply", "-f", s.Manifest("nl.yaml", Gadget("nl", "sessions/\\n")));

        plain.Succeeded();
        Assert.NotEqual(0, newline.ExitCode);
        Assert.Contains("""spec.s3.keyPrefix: Invalid value: "sessions/\n": spec.s3.keyPrefix in body should match '^[a-z/]+$'""", newline.Stderr, StringComparison.Ordinal);
    }

    private static string Gadget(string name, string keyPrefix) => $$$"""
        apiVersion: example.com/v1
        kind: Gadget
        metadata: {name: {{{name}}}}
        spec: {s3: {keyPrefix: "{{{keyPrefix}}}"}}
        """;
}
