using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Tests.Fakes;

/// <summary>An in-memory AWS account-and-region behind every port, counting reads and writes.</summary>
internal sealed class FakeAws : IAwsScopeFactory, IAwsEnvironment, ICallerIdentityPort, IPreferencesDocumentPort, IS3BucketPort,
    ILogGroupPort, IKmsKeyPort, IKmsGrantPort, ICloudTrailPort, IAlertTargetPort, IEventRulePort
{
    public const string Account = "111122223333";
    public const string Region = "us-east-1";

    private int _grantSeq;

    public List<string> Calls { get; } = [];
    public int Reads => Calls.Count(c => c.StartsWith("read:", StringComparison.Ordinal));
    public int Writes => Calls.Count(c => c.StartsWith("write:", StringComparison.Ordinal));
    public Dictionary<string, AwsFailure> FailOn { get; } = [];
    public List<AwsScope> Scopes { get; } = [];

    public Dictionary<string, List<string>> Documents { get; } = [];
    public Dictionary<string, int> DefaultVersions { get; } = [];
    public Dictionary<string, List<string?>> VersionNames { get; } = [];
    public Dictionary<string, string> DocumentTypes { get; } = [];
    public HashSet<(string Name, int Version)> DeletedVersions { get; } = [];
    public int MaxDocumentVersions { get; set; } = 1000;
    public Dictionary<string, BucketInfo> Buckets { get; } = [];
    public Dictionary<string, LogGroupInfo> LogGroups { get; } = [];
    public Dictionary<string, KmsKeyInfo> Keys { get; } = [];
    public Dictionary<string, List<KmsGrant>> Grants { get; } = [];
    public AuditTrailInfo Trail { get; set; } = new(true, $"arn:aws:cloudtrail:{Region}:{Account}:trail/management");
    public HashSet<string> ExistingTargets { get; } = [];

    /// <summary>Topic and function policies by ARN; an existing target without an entry has one that lets EventBridge deliver.</summary>
    public Dictionary<string, string?> TargetPolicies { get; } = [];
    public Dictionary<string, string> TopicKeys { get; } = [];
    public HashSet<string> FifoTopics { get; } = [];
    public Dictionary<string, EventRuleInfo> Rules { get; } = [];
    public Dictionary<string, List<EventTarget>> RuleTargets { get; } = [];

    public AwsScope Scope => Scopes.LastOrDefault() ?? new AwsScope(Region);
    public ICallerIdentityPort Identity => this;
    IPreferencesDocumentPort IAwsEnvironment.Documents => this;
    IS3BucketPort IAwsEnvironment.Buckets => this;
    ILogGroupPort IAwsEnvironment.LogGroups => this;
    IKmsKeyPort IAwsEnvironment.Keys => this;
    IKmsGrantPort IAwsEnvironment.Grants => this;
    ICloudTrailPort IAwsEnvironment.Trails => this;
    IAlertTargetPort IAwsEnvironment.AlertTargets => this;
    IEventRulePort IAwsEnvironment.Rules => this;

    public IAwsEnvironment For(AwsScope scope)
    {
        Scopes.Add(scope);
        return this;
    }

    public void ResetCalls() => Calls.Clear();

    public string DefaultContent(string name) => Documents[name][DefaultVersions[name] - 1];

    public KmsKeyInfo AddKey(string alias, KmsKeyManager manager, string state = "Enabled",
        string keySpec = KmsKeyInfo.SymmetricDefault, string keyUsage = KmsKeyInfo.EncryptDecrypt)
    {
        var id = Guid.NewGuid().ToString();
        var key = new KmsKeyInfo(id, $"arn:aws:kms:{Region}:{Account}:key/{id}", manager, state, keySpec, keyUsage);
        Keys[alias] = key;
        Keys[key.Arn] = key;
        return key;
    }

    private void Call(string kind, string name)
    {
        Calls.Add($"{kind}:{name}");
        if (FailOn.TryGetValue(name, out var failure))
        {
            throw failure;
        }
    }

    public Task<string> GetAccountIdAsync(CancellationToken cancellationToken)
    {
        Call("read", "GetCallerIdentity");
        return Task.FromResult(Account);
    }

    public Task<DocumentSnapshot?> GetAsync(string name, CancellationToken cancellationToken)
    {
        Call("read", "GetDocument");
        return Task.FromResult(Documents.TryGetValue(name, out var versions)
            ? new DocumentSnapshot(name, versions[DefaultVersions[name] - 1], DefaultVersions[name].ToString(), DocumentType: DocumentTypes.GetValueOrDefault(name, "Session"))
            : null);
    }

    public Task<string> GetVersionContentAsync(string name, string version, CancellationToken cancellationToken)
    {
        Call("read", "GetDocumentVersion");
        var n = int.Parse(version);
        if (DeletedVersions.Contains((name, n)))
        {
            throw new AwsFailure(AwsFailureKind.Invalid, "InvalidDocumentVersion", "no such version");
        }

        return Task.FromResult(Documents[name][n - 1]);
    }

    public Task<IReadOnlyList<DocumentVersionInfo>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        Call("read", "ListDocumentVersions");
        var names = VersionNames.GetValueOrDefault(name) ?? [];
        IReadOnlyList<DocumentVersionInfo> list = Enumerable.Range(1, Documents[name].Count)
            .Where(n => !DeletedVersions.Contains((name, n)))
            .Reverse()
            .Select(n => new DocumentVersionInfo(n.ToString(), n <= names.Count ? names[n - 1] : null, n == DefaultVersions[name]))
            .ToList();
        return Task.FromResult(list);
    }

    public Task<string> CreateAsync(string name, string content, string? versionName, CancellationToken cancellationToken)
    {
        Call("write", "CreateDocument");
        if (Documents.ContainsKey(name))
        {
            throw new AwsFailure(AwsFailureKind.Conflict, "DocumentAlreadyExists", "exists");
        }

        Documents[name] = [content];
        VersionNames[name] = [versionName];
        DefaultVersions[name] = 1;
        return Task.FromResult("1");
    }

    /// <summary>As SSM: content equal to ANY live version is refused, not only $LATEST; the version limit is counted over live versions.</summary>
    public Task<string?> UpdateAsync(string name, string content, string? versionName, CancellationToken cancellationToken)
    {
        Call("write", "UpdateDocument");
        var versions = Documents[name];
        var live = Enumerable.Range(1, versions.Count).Where(n => !DeletedVersions.Contains((name, n))).ToList();
        if (live.Any(n => versions[n - 1] == content))
        {
            return Task.FromResult<string?>(null);
        }

        var usedNames = VersionNames.GetValueOrDefault(name) ?? [];
        if (versionName is not null && live.Any(n => n <= usedNames.Count && usedNames[n - 1] == versionName))
        {
            throw new AwsFailure(AwsFailureKind.Invalid, "DuplicateDocumentVersionName", "The version name has already been used in this document.");
        }

        if (live.Count >= MaxDocumentVersions)
        {
            throw new AwsFailure(AwsFailureKind.Invalid, "DocumentVersionLimitExceeded", "The document has too many versions.");
        }

        versions.Add(content);
        var names = VersionNames.TryGetValue(name, out var n0) ? n0 : VersionNames[name] = [];
        while (names.Count < versions.Count - 1)
        {
            names.Add(null);
        }

        names.Add(versionName);
        return Task.FromResult<string?>(versions.Count.ToString());
    }

    public Task SetDefaultVersionAsync(string name, string version, CancellationToken cancellationToken)
    {
        Call("write", "UpdateDocumentDefaultVersion");
        DefaultVersions[name] = int.Parse(version);
        return Task.CompletedTask;
    }

    public Task DeleteVersionAsync(string name, string version, CancellationToken cancellationToken)
    {
        Call("write", "DeleteDocumentVersion");
        var n = int.Parse(version);
        if (n == DefaultVersions[name])
        {
            throw new AwsFailure(AwsFailureKind.Invalid, "InvalidDocumentOperation", "You can't delete the default version of a document.");
        }

        DeletedVersions.Add((name, n));
        return Task.CompletedTask;
    }

    /// <summary>Adds a version as another writer would (console, CloudFormation), optionally making it the default.</summary>
    public int AddVersionByHand(string name, string content, bool makeDefault = true)
    {
        Documents[name].Add(content);
        var n = Documents[name].Count;
        if (makeDefault)
        {
            DefaultVersions[name] = n;
        }

        return n;
    }

    /// <summary>Bucket owners; an expected owner that differs is refused with AccessDenied, as S3 does.</summary>
    public Dictionary<string, string> BucketOwners { get; } = [];

    public Task<BucketInfo?> DescribeAsync(string bucketName, string? expectedOwner, CancellationToken cancellationToken)
    {
        Call("read", "DescribeBucket");
        if (expectedOwner is not null && BucketOwners.TryGetValue(bucketName, out var owner) && owner != expectedOwner)
        {
            throw new AwsFailure(AwsFailureKind.AccessDenied, "AccessDenied", "Access Denied");
        }

        return Task.FromResult(Buckets.GetValueOrDefault(bucketName));
    }

    Task<LogGroupInfo?> ILogGroupPort.DescribeAsync(string logGroupName, CancellationToken cancellationToken)
    {
        Call("read", "DescribeLogGroups");
        return Task.FromResult(LogGroups.GetValueOrDefault(logGroupName));
    }

    Task<KmsKeyInfo?> IKmsKeyPort.DescribeAsync(string keyIdOrAlias, CancellationToken cancellationToken)
    {
        Call("read", "DescribeKey");
        return Task.FromResult(Keys.GetValueOrDefault(keyIdOrAlias));
    }

    public Task<IReadOnlyList<KmsGrant>> ListAsync(string keyArn, CancellationToken cancellationToken)
    {
        Call("read", "ListGrants");
        return Task.FromResult<IReadOnlyList<KmsGrant>>(Grants.GetValueOrDefault(keyArn)?.ToList() ?? []);
    }

    public Task<string> CreateAsync(string keyArn, string granteePrincipal, IReadOnlyList<string> operations, string name, CancellationToken cancellationToken)
    {
        Call("write", "CreateGrant");
        var id = $"grant-{++_grantSeq}";
        if (!Grants.TryGetValue(keyArn, out var list))
        {
            Grants[keyArn] = list = [];
        }

        list.Add(new KmsGrant(id, name, granteePrincipal, operations.ToArray()));
        return Task.FromResult(id);
    }

    public Task RetireAsync(string keyArn, string grantId, CancellationToken cancellationToken)
    {
        Call("write", "RevokeGrant");
        Grants.GetValueOrDefault(keyArn)?.RemoveAll(g => g.GrantId == grantId);
        return Task.CompletedTask;
    }

    /// <summary>The maxAge of each trail lookup, in order.</summary>
    public List<TimeSpan> TrailMaxAges { get; } = [];

    public Task<AuditTrailInfo> GetAuditTrailAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        TrailMaxAges.Add(maxAge);
        Call("read", "DescribeTrails");
        return Task.FromResult(Trail);
    }

    public Task<bool> ExistsAsync(AlertTargetKind kind, string arn, CancellationToken cancellationToken)
    {
        Call("read", "TargetExists");
        return Task.FromResult(ExistingTargets.Contains(arn));
    }

    /// <summary>The policy SNS gives a new topic: its owner account only.</summary>
    public static string DefaultTopicPolicy(string arn) =>
        $$$$"""{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"{{{{arn}}}}","Condition":{"StringEquals":{"AWS:SourceOwner":"{{{{Account}}}}"}}}]}""";

    private static string OpenPolicy(string arn, string action) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Sid":"set-up-by-hand","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"{{action}}","Resource":"{{arn}}"}]}""";

    public Task<TopicAccess?> GetTopicAsync(string topicArn, CancellationToken cancellationToken)
    {
        Call("read", "GetTopicAttributes");
        return Task.FromResult(ExistingTargets.Contains(topicArn)
            ? new TopicAccess(topicArn, TargetPolicies.TryGetValue(topicArn, out var p) ? p : OpenPolicy(topicArn, "sns:Publish"), TopicKeys.GetValueOrDefault(topicArn), FifoTopics.Contains(topicArn))
            : null);
    }

    public Task<FunctionAccess?> GetFunctionPolicyAsync(string functionArn, CancellationToken cancellationToken)
    {
        Call("read", "GetPolicy");
        return Task.FromResult(ExistingTargets.Contains(functionArn)
            ? new FunctionAccess(functionArn, TargetPolicies.TryGetValue(functionArn, out var p) ? p : OpenPolicy(functionArn, "lambda:InvokeFunction"))
            : null);
    }

    public Task SetTopicPolicyAsync(string topicArn, string policy, CancellationToken cancellationToken)
    {
        Call("write", "SetTopicAttributes");
        TargetPolicies[topicArn] = policy;
        return Task.CompletedTask;
    }

    public Task AddFunctionPermissionAsync(string functionArn, string statementId, string sourceArn, CancellationToken cancellationToken)
    {
        Call("write", "AddPermission");
        var policy = System.Text.Json.Nodes.JsonNode.Parse(TargetPolicies.GetValueOrDefault(functionArn) ?? """{"Version":"2012-10-17","Id":"default","Statement":[]}""")!;
        var statements = policy["Statement"]!.AsArray();
        if (statements.Any(x => (string?)x!["Sid"] == statementId))
        {
            throw new AwsFailure(AwsFailureKind.Conflict, "ResourceConflictException", "The statement id provided already exists.");
        }

        statements.Add(System.Text.Json.Nodes.JsonNode.Parse($$$$"""{"Sid":"{{{{statementId}}}}","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"{{{{functionArn}}}}","Condition":{"ArnLike":{"AWS:SourceArn":"{{{{sourceArn}}}}"}}}"""));
        TargetPolicies[functionArn] = policy.ToJsonString();
        return Task.CompletedTask;
    }

    public Task RemoveFunctionPermissionAsync(string functionArn, string statementId, CancellationToken cancellationToken)
    {
        Call("write", "RemovePermission");
        if (TargetPolicies.GetValueOrDefault(functionArn) is { } text)
        {
            var policy = System.Text.Json.Nodes.JsonNode.Parse(text)!;
            var statements = policy["Statement"]!.AsArray();
            foreach (var x in statements.Where(x => (string?)x!["Sid"] == statementId).ToList())
            {
                statements.Remove(x);
            }

            TargetPolicies[functionArn] = statements.Count == 0 ? null : policy.ToJsonString();
        }

        return Task.CompletedTask;
    }

    Task<EventRuleInfo?> IEventRulePort.DescribeAsync(string ruleName, CancellationToken cancellationToken)
    {
        Call("read", "DescribeRule");
        return Task.FromResult(Rules.GetValueOrDefault(ruleName));
    }

    public Task<string> PutAsync(EventRuleDefinition rule, CancellationToken cancellationToken)
    {
        Call("write", "PutRule");
        var arn = $"arn:aws:events:{Region}:{Account}:rule/{rule.Name}";
        Rules[rule.Name] = new EventRuleInfo(rule.Name, arn, rule.EventPattern, rule.State, rule.Description);
        RuleTargets.TryAdd(rule.Name, []);
        return Task.FromResult(arn);
    }

    public Task DeleteAsync(string ruleName, CancellationToken cancellationToken)
    {
        Call("write", "DeleteRule");
        Rules.Remove(ruleName);
        RuleTargets.Remove(ruleName);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<EventTarget>> ListTargetsAsync(string ruleName, CancellationToken cancellationToken)
    {
        Call("read", "ListTargetsByRule");
        return Task.FromResult<IReadOnlyList<EventTarget>>(RuleTargets.GetValueOrDefault(ruleName)?.ToList() ?? []);
    }

    public Task PutTargetsAsync(string ruleName, IReadOnlyList<EventTarget> targets, CancellationToken cancellationToken)
    {
        Call("write", "PutTargets");
        var list = RuleTargets[ruleName];
        foreach (var t in targets)
        {
            list.RemoveAll(x => x.Id == t.Id);
            list.Add(t);
        }

        if (list.Count > 5)
        {
            throw new AwsFailure(AwsFailureKind.Invalid, "LimitExceededException", "more than 5 targets");
        }

        return Task.CompletedTask;
    }

    public Task RemoveTargetsAsync(string ruleName, IReadOnlyList<string> targetIds, CancellationToken cancellationToken)
    {
        Call("write", "RemoveTargets");
        RuleTargets[ruleName].RemoveAll(t => targetIds.Contains(t.Id));
        return Task.CompletedTask;
    }
}
