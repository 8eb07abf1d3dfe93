using System.Globalization;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Admission;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Patching;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>
/// The API server's generic registry store: get, create, update, patch and delete with the real server's object semantics
/// (optimistic concurrency, preconditions, dry runs, finalizers); the rules of what a write may change live beside it.
/// </summary>
internal sealed class ResourceService
{
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly GeneratedNames _generatedNames;
    private readonly NamespaceLifecycle _namespaces;
    private readonly BuiltInStrategies _builtIns;
    private readonly WriteEffects _effects;

    public ResourceService(ResourceRegistry registry, TimeProvider time, Random random)
    {
        _registry = registry;
        _time = time;
        _generatedNames = new GeneratedNames(random);
        _namespaces = new NamespaceLifecycle(registry);
        _builtIns = new BuiltInStrategies(time);
        _effects = new WriteEffects(registry, _namespaces);
    }

    public ResourceRegistry Registry => _registry;

    public StoredObject Get(ServedResource r, string ns, string name) =>
        r.Store.Get(StoredObject.StoreKey(ns, name)) ?? throw ObjectErrors.NotFound(r.Type, name);

    public StoredObject Create(ServedResource r, ResourceVersionDef version, string ns, JsonObject body, WriteOptions options)
    {
        var type = r.Type;
        TypeMeta.Check(type, version, body);
        var meta = Json.Metadata(body);
        var name = Json.Str(meta["name"]) ?? "";
        if (name.Length == 0 && Json.Str(meta["generateName"]) is { Length: > 0 } prefix)
        {
            name = _generatedNames.From(prefix);
            meta["name"] = name;
        }

        _namespaces.Prepare(type, ns, meta);
        ns = Json.Str(meta["namespace"]) ?? "";
        Names.Validate(type, name);

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

        _builtIns.Apply(type, body, null);
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
            : r.Store.Create(StoredObject.StoreKey(ns, name), rv => Json.Freeze(body, rv)) ?? throw ObjectErrors.AlreadyExists(type, name);
        if (!options.DryRun)
        {
            _effects.AfterWrite(type, body);
        }

        return stored;
    }

    /// <summary>PUT of the object or of its status.</summary>
    public StoredObject Update(ServedResource r, ResourceVersionDef version, string ns, string name, string subresource, JsonObject body, WriteOptions options)
    {
        TypeMeta.Check(r.Type, version, body);
        var bodyMeta = Json.Metadata(body);
        if (Json.Str(bodyMeta["name"]) is { } bodyName && bodyName != name)
        {
            throw ApiException.BadRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
        }

        var precondition = ResourceVersions.Parse(Json.Str(bodyMeta["resourceVersion"]));
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
        var precondition = ResourceVersions.Parse(Json.Str(Json.At(patch, "metadata.resourceVersion")));
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
                return whenMissing is not null ? whenMissing(null) : throw ObjectErrors.NotFound(type, name);
            }

            if (precondition is { } p && p != current.ResourceVersion)
            {
                throw ObjectErrors.Conflict(type, name);
            }

            var old = Json.Thaw(current);
            var proposed = change(Json.Thaw(current));
            var next = subresource == "status"
                ? UpdateStrategy.ForStatus(old, proposed)
                : UpdateStrategy.ForObject(type, version, old, proposed);
            if (subresource.Length > 0 && subresource != "status")
            {
                throw new ApiException(404, "NotFound", $"the server could not find the requested resource (subresource {subresource})");
            }

            Finalizers.RefuseNewWhileDeleting(old, next, type);
            _builtIns.Apply(type, next, old);
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

            var finished = nextMeta["deletionTimestamp"] is not null && Finalizers.Of(next).Count == 0;
            var stored = finished
                ? r.Store.Remove(key, current.ResourceVersion, (rv, _) => Json.Freeze(next, rv))
                : r.Store.Replace(key, current.ResourceVersion, rv => Json.Freeze(next, rv));
            if (stored is not null)
            {
                if (finished)
                {
                    _effects.AfterDelete(this, type, next);
                }
                else
                {
                    _effects.AfterWrite(type, next);
                }

                return stored;
            }

            if (precondition is not null)
            {
                throw ObjectErrors.Conflict(type, name);
            }
        }
    }

    /// <summary>DELETE: removes the object, or marks it deleting while finalizers remain.</summary>
    public (StoredObject Object, bool Gone) Delete(ServedResource r, string ns, string name, JsonObject? deleteOptions, bool dryRun)
    {
        var type = r.Type;
        var key = StoredObject.StoreKey(ns, name);
        var uidPrecondition = Json.Str(Json.At(deleteOptions, "preconditions.uid"));
        var rvPrecondition = ResourceVersions.Parse(Json.Str(Json.At(deleteOptions, "preconditions.resourceVersion")));
        while (true)
        {
            var current = r.Store.Get(key) ?? throw ObjectErrors.NotFound(type, name);
            if (uidPrecondition is not null && uidPrecondition != current.Uid)
            {
                throw ObjectErrors.Conflict(type, name, $"Precondition failed: UID in precondition: {uidPrecondition}, UID in object meta: {current.Uid}");
            }

            if (rvPrecondition is { } rv0 && rv0 != current.ResourceVersion)
            {
                throw ObjectErrors.Conflict(type, name, $"Precondition failed: ResourceVersion in precondition: {rv0}, ResourceVersion in object meta: {current.ResourceVersion}");
            }

            var obj = Json.Thaw(current);
            var meta = Json.Metadata(obj);
            if (Finalizers.Of(obj).Count > 0)
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
                _effects.AfterDelete(this, type, obj);
                return (removed, true);
            }
        }
    }

    private static string Manager(WriteOptions options) => options.FieldManager.Length > 0 ? options.FieldManager : options.UserAgentManager;

    public string Now() => Timestamps.Now(_time);
}
