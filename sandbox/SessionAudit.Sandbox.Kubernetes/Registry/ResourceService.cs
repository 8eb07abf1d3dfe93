using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Admission;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Patching;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>The API server's generic registry: create, update, patch, delete with the real server's object semantics.</summary>
internal sealed class ResourceService(ResourceRegistry registry, TimeProvider time, Random random)
{
    private readonly GarbageCollector _collector = new();
    private static readonly char[] NameAlphabet = "bcdfghjklmnpqrstvwxz2456789".ToCharArray();
    private int _serviceIp = 10;

    public ResourceRegistry Registry => registry;

    public StoredObject Get(ServedResource r, string ns, string name) =>
        r.Store.Get(StoredObject.StoreKey(ns, name)) ?? throw NotFound(r.Type, name);

    public StoredObject Create(ServedResource r, ResourceVersionDef version, string ns, JsonObject body, WriteOptions options)
    {
        var type = r.Type;
        CheckTypeMeta(type, version, body);
        var meta = Json.Metadata(body);
        var name = Json.Str(meta["name"]) ?? "";
        if (name.Length == 0 && Json.Str(meta["generateName"]) is { Length: > 0 } prefix)
        {
            name = prefix + RandomSuffix();
            meta["name"] = name;
        }

        PrepareNamespace(type, ns, meta);
        ns = Json.Str(meta["namespace"]) ?? "";
        ValidateName(type, name);

        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = Now();
        meta.Remove("resourceVersion");
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        meta.Remove("selfLink");
        if (type.HasGeneration)
        {
            meta["generation"] = 1;
        }
        else
        {
            meta.Remove("generation");
        }

        if (version.StatusSubresource)
        {
            body.Remove("status");
        }

        BuiltInDefaults(type, body, null);
        if (type.IsCustom)
        {
            CustomResourceAdmission.Admit(type, version, body, null, options.Strict);
        }

        if (options.TrackUpdates)
        {
            Json.Metadata(body).Remove("managedFields");
            ManagedFields.RecordUpdate(null, body, Manager(options), "", version.StatusSubresource, new ListStructure(type, version), type.ApiVersion(version.Name), Now());
        }

        body["apiVersion"] = type.ApiVersion(type.StorageVersion.Name);
        var stored = options.DryRun
            ? Json.Freeze(body, r.Store.Clock.Current)
            : r.Store.Create(StoredObject.StoreKey(ns, name), rv => Json.Freeze(body, rv)) ?? throw AlreadyExists(type, name);
        if (!options.DryRun)
        {
            AfterWrite(type, body);
        }

        return stored;
    }

    /// <summary>PUT of the object or of its status.</summary>
    public StoredObject Update(ServedResource r, ResourceVersionDef version, string ns, string name, string subresource, JsonObject body, WriteOptions options)
    {
        CheckTypeMeta(r.Type, version, body);
        var bodyMeta = Json.Metadata(body);
        if (Json.Str(bodyMeta["name"]) is { } bodyName && bodyName != name)
        {
            throw ApiException.BadRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
        }

        var precondition = ParseVersion(Json.Str(bodyMeta["resourceVersion"]));
        return Mutate(r, version, ns, name, subresource, precondition, options, _ => body.DeepClone().AsObject());
    }

    /// <summary>PATCH of the object or of its status, in any of the patch types the server accepts.</summary>
    public StoredObject Patch(ServedResource r, ResourceVersionDef version, string ns, string name, string subresource, string contentType, JsonNode? patch, WriteOptions options)
    {
        var type = r.Type;
        if (contentType.StartsWith("application/apply-patch", StringComparison.Ordinal))
        {
            return ServerSideApply.Apply(this, r, version, ns, name, subresource, patch as JsonObject ?? throw ApiException.BadRequest("apply patch must be an object"), options);
        }

        Func<JsonObject, JsonObject> apply = contentType switch
        {
            _ when contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal) => cur => (MergePatch.Apply(cur, patch) as JsonObject) ?? throw ApiException.BadRequest("patch produced a non-object"),
            _ when contentType.StartsWith("application/json-patch+json", StringComparison.Ordinal) => cur => (JsonPatch.Apply(cur, patch) as JsonObject) ?? throw ApiException.BadRequest("patch produced a non-object"),
            _ when contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal) && !type.IsCustom => cur => (StrategicMergePatch.Apply(cur, patch, type.MergeKeys) as JsonObject) ?? throw ApiException.BadRequest("patch produced a non-object"),
            _ => throw ApiException.UnsupportedMediaType(),
        };

        // A resourceVersion inside the patch is a precondition, as on the real server.
        var precondition = ParseVersion(Json.Str(Json.At(patch, "metadata.resourceVersion")));
        return Mutate(r, version, ns, name, subresource, precondition, options, apply);
    }

    /// <summary>Read-modify-write with optimistic retries: unconditional writes retry on a lost race, conditional ones answer 409.</summary>
    internal StoredObject Mutate(ServedResource r, ResourceVersionDef version, string ns, string name, string subresource, long? precondition, WriteOptions options, Func<JsonObject, JsonObject> change, Func<StoredObject?, StoredObject>? whenMissing = null)
    {
        var type = r.Type;
        var key = StoredObject.StoreKey(ns, name);
        for (var attempt = 0; ; attempt++)
        {
            var current = r.Store.Get(key);
            if (current is null)
            {
                return whenMissing is not null ? whenMissing(null) : throw NotFound(type, name);
            }

            if (precondition is { } p && p != current.ResourceVersion)
            {
                throw Conflict(type, name);
            }

            var old = Json.Thaw(current);
            var proposed = change(Json.Thaw(current));
            var next = subresource == "status"
                ? StatusUpdate(old, proposed)
                : MainUpdate(type, version, old, proposed);
            if (subresource.Length > 0 && subresource != "status")
            {
                throw new ApiException(404, "NotFound", $"the server could not find the requested resource (subresource {subresource})");
            }

            CheckFinalizers(old, next, type);
            BuiltInDefaults(type, next, old);
            if (type.IsCustom)
            {
                CustomResourceAdmission.Admit(type, version, next, old, options.Strict && subresource.Length == 0);
            }

            if (options.TrackUpdates)
            {
                ManagedFields.RecordUpdate(old, next, Manager(options), subresource, version.StatusSubresource, new ListStructure(type, version), type.ApiVersion(version.Name), Now());
            }

            next["apiVersion"] = type.ApiVersion(type.StorageVersion.Name);
            var nextMeta = Json.Metadata(next);
            nextMeta["resourceVersion"] = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);

            // A write that changes nothing is not a write: no new resourceVersion, no watch event.
            if (Json.DeepEquals(next, old))
            {
                return current;
            }

            if (options.DryRun)
            {
                return Json.Freeze(next, current.ResourceVersion);
            }

            var finished = nextMeta["deletionTimestamp"] is not null && Finalizers(next).Count == 0;
            var stored = finished
                ? r.Store.Remove(key, current.ResourceVersion, (rv, _) => Json.Freeze(next, rv))
                : r.Store.Replace(key, current.ResourceVersion, rv => Json.Freeze(next, rv));
            if (stored is not null)
            {
                if (finished)
                {
                    AfterDelete(type, next);
                }
                else
                {
                    AfterWrite(type, next);
                }

                return stored;
            }

            if (precondition is not null)
            {
                throw Conflict(type, name);
            }
        }
    }

    /// <summary>DELETE: removes the object, or marks it deleting while finalizers remain.</summary>
    public (StoredObject Object, bool Gone) Delete(ServedResource r, string ns, string name, JsonObject? deleteOptions, bool dryRun)
    {
        var type = r.Type;
        var key = StoredObject.StoreKey(ns, name);
        var uidPrecondition = Json.Str(Json.At(deleteOptions, "preconditions.uid"));
        var rvPrecondition = ParseVersion(Json.Str(Json.At(deleteOptions, "preconditions.resourceVersion")));
        while (true)
        {
            var current = r.Store.Get(key) ?? throw NotFound(type, name);
            if (uidPrecondition is not null && uidPrecondition != current.Uid)
            {
                throw Conflict(type, name, $"Precondition failed: UID in precondition: {uidPrecondition}, UID in object meta: {current.Uid}");
            }

            if (rvPrecondition is { } rv0 && rv0 != current.ResourceVersion)
            {
                throw Conflict(type, name, $"Precondition failed: ResourceVersion in precondition: {rv0}, ResourceVersion in object meta: {current.ResourceVersion}");
            }

            var obj = Json.Thaw(current);
            var meta = Json.Metadata(obj);
            if (Finalizers(obj).Count > 0)
            {
                if (meta["deletionTimestamp"] is not null || dryRun)
                {
                    return (current, false);
                }

                meta["deletionTimestamp"] = Now();
                meta["deletionGracePeriodSeconds"] = 0;
                if (type.HasGeneration)
                {
                    meta["generation"] = (meta["generation"]?.GetValue<long>() ?? 0) + 1;
                }

                var marked = r.Store.Replace(key, current.ResourceVersion, rv => Json.Freeze(obj, rv));
                if (marked is not null)
                {
                    return (marked, false);
                }

                continue;
            }

            if (dryRun)
            {
                return (current, true);
            }

            var removed = r.Store.Remove(key, current.ResourceVersion, (rv, _) => Json.Freeze(obj, rv));
            if (removed is not null)
            {
                AfterDelete(type, obj);
                return (removed, true);
            }
        }
    }

    private static string Manager(WriteOptions options) => options.FieldManager.Length > 0 ? options.FieldManager : options.UserAgentManager;

    public static List<string> Finalizers(JsonObject obj) =>
        Json.At(obj, "metadata.finalizers") is JsonArray a ? [.. a.Select(f => f?.GetValue<string>() ?? "")] : [];

    public string Now() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static ApiException NotFound(ResourceType t, string name) => ApiException.NotFound(t.GroupResource, name, t.Group, t.Plural);

    public static ApiException Conflict(ResourceType t, string name, string? why = null) =>
        why is null ? ApiException.Conflict(t.GroupResource, name, t.Group, t.Plural) : ApiException.Conflict(t.GroupResource, name, t.Group, t.Plural, why);

    public static ApiException AlreadyExists(ResourceType t, string name) => ApiException.AlreadyExists(t.GroupResource, name, t.Group, t.Plural);

    public static long? ParseVersion(string? rv)
    {
        if (string.IsNullOrEmpty(rv))
        {
            return null;
        }

        return long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw ApiException.BadRequest($"invalid resource version: {rv}");
    }

    /// <summary>Writes to /status keep everything but status from the stored object.</summary>
    private static JsonObject StatusUpdate(JsonObject old, JsonObject proposed)
    {
        var next = old.DeepClone().AsObject();
        next.Remove("status");
        if (proposed["status"] is { } status)
        {
            next["status"] = status.DeepClone();
        }

        return next;
    }

    /// <summary>Writes to the main endpoint keep status (when it is a subresource) and system metadata; spec changes bump generation.</summary>
    private static JsonObject MainUpdate(ResourceType type, ResourceVersionDef version, JsonObject old, JsonObject proposed)
    {
        var next = proposed;
        var oldMeta = Json.Metadata(old);
        var meta = Json.Metadata(next);
        foreach (var f in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name", "generation" })
        {
            meta.Remove(f);
            if (oldMeta[f] is { } v)
            {
                meta[f] = v.DeepClone();
            }
        }

        if (meta["managedFields"] is null && oldMeta["managedFields"] is { } mf)
        {
            meta["managedFields"] = mf.DeepClone();
        }

        if (version.StatusSubresource)
        {
            next.Remove("status");
            if (old["status"] is { } s)
            {
                next["status"] = s.DeepClone();
            }
        }

        if (type.HasGeneration && SpecChanged(type, version, old, next))
        {
            meta["generation"] = (oldMeta["generation"]?.GetValue<long>() ?? 0) + 1;
        }

        return next;
    }

    private static bool SpecChanged(ResourceType type, ResourceVersionDef version, JsonObject old, JsonObject next)
    {
        var keys = old.Select(kv => kv.Key).Union(next.Select(kv => kv.Key));
        foreach (var k in keys)
        {
            if (k is "metadata" or "apiVersion" or "kind" || (k == "status" && (version.StatusSubresource || !type.IsCustom)))
            {
                continue;
            }

            if (!Json.DeepEquals(old[k], next[k]))
            {
                return true;
            }
        }

        return false;
    }

    private static void CheckFinalizers(JsonObject old, JsonObject next, ResourceType type)
    {
        if (Json.At(old, "metadata.deletionTimestamp") is null)
        {
            return;
        }

        var before = Finalizers(old);
        var added = Finalizers(next).Where(f => !before.Contains(f)).ToList();
        if (added.Count > 0)
        {
            throw ApiException.Invalid(type.Kind, type.Group, Json.Str(Json.At(old, "metadata.name")) ?? "",
                [FieldError.Forbidden("metadata.finalizers", $"no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added.Select(a => "\"" + a + "\""))}}}")]);
        }
    }

    private static void CheckTypeMeta(ResourceType type, ResourceVersionDef version, JsonObject body)
    {
        var expected = type.ApiVersion(version.Name);
        if (Json.Str(body["apiVersion"]) is { } av && av != expected && !type.Versions.Any(v => type.ApiVersion(v.Name) == av))
        {
            throw ApiException.BadRequest($"the API version in the data ({av}) does not match the expected API version ({expected})");
        }

        if (Json.Str(body["kind"]) is { } kind && kind != type.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        body.Remove("apiVersion");
        body.Remove("kind");
        var rest = body.ToList();
        body.Clear();
        body["apiVersion"] = expected;
        body["kind"] = type.Kind;
        foreach (var (k, v) in rest)
        {
            body[k] = v;
        }
    }

    private void PrepareNamespace(ResourceType type, string ns, JsonObject meta)
    {
        if (!type.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }

        var bodyNs = Json.Str(meta["namespace"]) ?? "";
        if (bodyNs.Length > 0 && ns.Length > 0 && bodyNs != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        ns = ns.Length > 0 ? ns : bodyNs;
        if (ns.Length == 0)
        {
            throw ApiException.BadRequest("the namespace of the object is required");
        }

        meta["namespace"] = ns;
        var namespaces = registry.Find("", "namespaces")!;
        var nsObject = namespaces.Store.Get(ns) ?? throw ApiException.NotFound("namespaces", ns, "", "namespaces");
        if (Json.At(Json.Thaw(nsObject), "metadata.deletionTimestamp") is not null)
        {
            throw new ApiException(403, "Forbidden", $"{type.GroupResource} is forbidden: unable to create new content in namespace {ns} because it is being terminated");
        }
    }

    private static void ValidateName(ResourceType type, string name)
    {
        if (name.Length == 0)
        {
            throw ApiException.Invalid(type.Kind, type.Group, "", [FieldError.Required("metadata.name", "name or generateName is required")]);
        }

        var error = type.Group == "rbac.authorization.k8s.io" ? Names.PathSegmentError(name)
            : type.Plural == "namespaces" ? Names.LabelError(name)
            : Names.SubdomainError(name);
        if (error is not null)
        {
            throw ApiException.Invalid(type.Kind, type.Group, name, [FieldError.Invalid("metadata.name", name, error)]);
        }
    }

    private string RandomSuffix()
    {
        var chars = new char[5];
        lock (random)
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = NameAlphabet[random.Next(NameAlphabet.Length)];
            }
        }

        return new string(chars);
    }

    /// <summary>Defaults and side rules the built-in kinds' strategies apply.</summary>
    private void BuiltInDefaults(ResourceType type, JsonObject obj, JsonObject? old)
    {
        switch (type.Key)
        {
            case "coordination.k8s.io/leases":
                // metav1.MicroTime decodes with Go's time.Parse and the layout RFC3339Micro, so exactly six fraction
                // digits are required; anything else fails decoding, before admission, as a 400.
                foreach (var field in new[] { "acquireTime", "renewTime" })
                {
                    if (Json.At(obj, "spec." + field) is JsonValue v && v.TryGetValue<string>(out var text) && MicroTime.ParseError(text) is { } error)
                    {
                        throw ApiException.BadRequest($"Lease in version \"v1\" cannot be handled as a Lease: {error}");
                    }
                }

                break;
            case "/namespaces":
                obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                obj["status"] = new JsonObject { ["phase"] = Json.At(obj, "metadata.deletionTimestamp") is null ? "Active" : "Terminating" };
                break;
            case "/secrets":
                if (obj["stringData"] is JsonObject sd)
                {
                    var data = obj["data"] as JsonObject ?? new JsonObject();
                    foreach (var (k, v) in sd)
                    {
                        data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? ""));
                    }

                    obj["data"] = data;
                    obj.Remove("stringData");
                }

                obj["type"] ??= "Opaque";
                break;
            case "/services":
                var spec = obj["spec"] as JsonObject ?? new JsonObject();
                obj["spec"] = spec;
                spec["type"] ??= "ClusterIP";
                spec["sessionAffinity"] ??= "None";
                if (spec["clusterIP"] is null && Json.Str(spec["type"]) != "ExternalName")
                {
                    var oldIp = Json.Str(Json.At(old, "spec.clusterIP"));
                    var ip = oldIp ?? $"10.96.{Interlocked.Increment(ref _serviceIp) / 250}.{_serviceIp % 250 + 1}";
                    spec["clusterIP"] = ip;
                    spec["clusterIPs"] = new JsonArray(ip);
                }

                foreach (var port in spec["ports"] as JsonArray ?? [])
                {
                    if (port is JsonObject po)
                    {
                        po["protocol"] ??= "TCP";
                        po["targetPort"] ??= po["port"]?.DeepClone();
                    }
                }

                break;
            case "apps/deployments":
                if (obj["spec"] is JsonObject ds)
                {
                    ds["replicas"] ??= 1;
                }

                break;
            case "apiextensions.k8s.io/customresourcedefinitions":
                CrdDefaults(type, obj);
                break;
        }
    }

    private void CrdDefaults(ResourceType type, JsonObject crd)
    {
        var name = Json.Str(Json.At(crd, "metadata.name")) ?? "";
        var spec = crd["spec"] as JsonObject;
        var names = spec?["names"] as JsonObject;
        var errors = new List<FieldError>();
        if (spec is null)
        {
            errors.Add(FieldError.Required("spec"));
        }
        else
        {
            if (Json.Str(spec["group"]) is not { Length: > 0 })
            {
                errors.Add(FieldError.Required("spec.group"));
            }

            if (names is null || Json.Str(names["plural"]) is not { Length: > 0 })
            {
                errors.Add(FieldError.Required("spec.names.plural"));
            }

            if (names is null || Json.Str(names["kind"]) is not { Length: > 0 })
            {
                errors.Add(FieldError.Required("spec.names.kind"));
            }

            if (Json.Str(spec["scope"]) is not ("Namespaced" or "Cluster"))
            {
                errors.Add(FieldError.NotSupported("spec.scope", spec["scope"], ["\"Cluster\"", "\"Namespaced\""]));
            }

            var versions = spec["versions"] as JsonArray;
            if (versions is null || versions.Count == 0)
            {
                errors.Add(FieldError.Invalid("spec.versions", null, "must have exactly one version marked as storage version"));
            }
            else if (versions.Count(v => v?["storage"]?.GetValue<bool>() == true) != 1)
            {
                errors.Add(FieldError.Invalid("spec.versions", null, "must have exactly one version marked as storage version"));
            }

            if (errors.Count == 0 && name != $"{Json.Str(names!["plural"])}.{Json.Str(spec["group"])}")
            {
                errors.Add(FieldError.Invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
            }

            errors.AddRange(CrdPatternValidation.Validate(spec));
        }

        if (errors.Count == 0)
        {
            try
            {
                _ = ResourceRegistry.FromCrd(crd);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
            {
                errors.Add(FieldError.Invalid("spec.versions", null, "invalid schema: " + e.Message));
            }
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type.Kind, type.Group, name, errors);
        }

        names!["singular"] ??= Json.Str(names["kind"])!.ToLowerInvariant();
        names["listKind"] ??= Json.Str(names["kind"]) + "List";
        spec!["conversion"] ??= new JsonObject { ["strategy"] = "None" };
        var now = Json.Str(Json.At(crd, "status.conditions")?.AsArray().FirstOrDefault()?["lastTransitionTime"]) ?? Now();
        crd["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "NoConflicts", ["message"] = "no conflicts found" },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted" }),
            ["acceptedNames"] = names.DeepClone(),
            ["storedVersions"] = new JsonArray([.. spec["versions"]!.AsArray().Where(v => v?["storage"]?.GetValue<bool>() == true).Select(v => (JsonNode?)JsonValue.Create(Json.Str(v!["name"])))]),
        };
    }

    private void AfterWrite(ResourceType type, JsonObject obj)
    {
        _collector.Note(obj);
        if (type.Key == "apiextensions.k8s.io/customresourcedefinitions")
        {
            registry.Define(obj);
        }
    }

    private void AfterDelete(ResourceType type, JsonObject obj)
    {
        switch (type.Key)
        {
            case "apiextensions.k8s.io/customresourcedefinitions":
                registry.Undefine(Json.Str(Json.At(obj, "spec.group")) ?? "", Json.Str(Json.At(obj, "spec.names.plural")) ?? "");
                break;
            case "/namespaces":
                var ns = Json.Str(Json.At(obj, "metadata.name")) ?? "";
                foreach (var r in registry.All.Where(r => r.Type.Namespaced))
                {
                    foreach (var o in r.Store.List(o => o.Namespace == ns, null, 0, ns + "/").Items)
                    {
                        try
                        {
                            Delete(r, o.Namespace, o.Name, null, false);
                        }
                        catch (ApiException e) when (e.Code == 404)
                        {
                            // deleted meanwhile
                        }
                    }
                }

                break;
        }

        _collector.Collect(this, Json.Str(Json.At(obj, "metadata.uid")) ?? "");
    }
}
