using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

/// <summary>AuditTrailReady: a trail must log AND its event selectors must record the session calls; an unreadable trail
/// is never taken as a logging one.</summary>
public sealed class TrailTests
{
    private const string Own = $"arn:aws:cloudtrail:{FakeAws.Region}:{FakeAws.Account}:trail/management";
    private const string Org = "arn:aws:cloudtrail:us-east-1:999988887777:trail/organization";

    private static TrailSelectors Basic(string? readWrite, bool? management = true, params string[] excluded) =>
        new([new BasicEventSelector(readWrite, management, excluded)], null);

    private static TrailSelectors Advanced(params AdvancedFieldSelector[] fields) => new(null, [new AdvancedEventSelector("mine", fields)]);

    private static AdvancedFieldSelector Field(string field, params string[] equalTo) => new(field) { EqualTo = equalTo };

    [Fact]
    public void Selectors_record_session_calls_only_with_write_management_events_from_ssm()
    {
        Assert.Null(Basic("All").MissingSessionCalls());
        Assert.Null(Basic(null, null).MissingSessionCalls());
        Assert.Null(Basic("WriteOnly", true, "kms.amazonaws.com").MissingSessionCalls());
        Assert.Contains("ReadWriteType=ReadOnly", Basic("ReadOnly").MissingSessionCalls(), StringComparison.Ordinal);
        Assert.Contains("IncludeManagementEvents=false", Basic("All", false).MissingSessionCalls(), StringComparison.Ordinal);
        Assert.Contains("ExcludeManagementEventSources", Basic("All", true, "ssm.amazonaws.com").MissingSessionCalls(), StringComparison.Ordinal);
        // One selector that records is enough.
        Assert.Null(new TrailSelectors([new BasicEventSelector("ReadOnly", true, []), new BasicEventSelector("WriteOnly", true, [])], null).MissingSessionCalls());

        Assert.Null(Advanced(Field("eventCategory", "Management")).MissingSessionCalls());
        Assert.Null(Advanced(Field("eventCategory", "Management"), Field("readOnly", "false")).MissingSessionCalls());
        Assert.Null(Advanced(Field("eventCategory", "Management"), new AdvancedFieldSelector("eventSource") { NotEqualTo = ["kms.amazonaws.com"] }).MissingSessionCalls());
        var reads = Advanced(Field("eventCategory", "Management"), Field("readOnly", "true")).MissingSessionCalls();
        Assert.Contains("advanced event selector 'mine' excludes it by its field readOnly", reads, StringComparison.Ordinal);
        Assert.NotNull(Advanced(Field("eventCategory", "Data"), Field("resources.type", "AWS::S3::Object")).MissingSessionCalls());
        // A field this check does not know cannot be verified.
        Assert.NotNull(Advanced(Field("eventCategory", "Management"), Field("userIdentity.arn", "x")).MissingSessionCalls());
        Assert.NotNull(new TrailSelectors(null, null).MissingSessionCalls());
    }

    [Fact]
    public async Task A_logging_trail_whose_selectors_skip_session_calls_is_not_ready_and_names_the_selector_to_change()
    {
        var s = new Scenario();
        s.Aws.Trail = new AuditTrailInfo(false, null)
        {
            Trails = [new TrailReading(Own, FakeAws.Region, true, false) { Logging = true, Selectors = Basic("ReadOnly") }],
        };

        await s.RunAsync();

        var trail = s.Condition(ConditionTypes.AuditTrailReady);
        Assert.Equal(("False", "TrailSkipsSessionCalls"), (trail.Status, trail.Reason));
        Assert.Contains(Own, trail.Message, StringComparison.Ordinal);
        Assert.Contains("event selector #1 has ReadWriteType=ReadOnly", trail.Message, StringComparison.Ordinal);
        Assert.Contains("put-event-selectors", trail.Message, StringComparison.Ordinal);
        Assert.Contains("will not fire", trail.Message, StringComparison.Ordinal);
        Assert.Equal("TrailSkipsSessionCalls", s.Condition(ConditionTypes.Ready).Reason);
    }

    [Fact]
    public async Task An_unreadable_trail_of_this_account_is_reported_with_the_permission_it_needs()
    {
        var s = new Scenario();
        s.Aws.Trail = new AuditTrailInfo(false, null)
        {
            Trails = [new TrailReading(Own, FakeAws.Region, false, false) { Logging = true, FailedRead = "GetEventSelectors", Failure = new AwsFailure(AwsFailureKind.AccessDenied, "AccessDeniedException", "not allowed") }],
        };

        await s.RunAsync();

        var trail = s.Condition(ConditionTypes.AuditTrailReady);
        Assert.Equal(("False", "AccessDenied"), (trail.Status, trail.Reason));
        Assert.Contains("cloudtrail:GetEventSelectors", trail.Message, StringComparison.Ordinal);
        Assert.Equal("True", s.Condition(ConditionTypes.Stalled).Status);
    }

    [Fact]
    public async Task Another_accounts_organization_trail_that_cannot_be_read_is_not_taken_as_logging()
    {
        var s = new Scenario();
        s.Aws.Trail = new AuditTrailInfo(false, null)
        {
            Trails = [new TrailReading(Org, "us-east-1", true, true) { FailedRead = "GetTrailStatus", Failure = new AwsFailure(AwsFailureKind.Invalid, "CloudTrailARNInvalidException", "AccountID in ARN is wrong") }],
        };

        await s.RunAsync();

        var trail = s.Condition(ConditionTypes.AuditTrailReady);
        Assert.Equal(("Unknown", "TrailNotVerifiable"), (trail.Status, trail.Reason));
        Assert.Contains(Org, trail.Message, StringComparison.Ordinal);
        Assert.Equal("False", s.Condition(ConditionTypes.Ready).Status);
    }

    [Fact]
    public async Task A_verified_organization_trail_makes_the_trail_ready_even_beside_an_unreadable_one()
    {
        var s = new Scenario();
        s.Aws.Trail = new AuditTrailInfo(true, Org)
        {
            Trails =
            [
                new TrailReading(Own, FakeAws.Region, false, false) { FailedRead = "GetTrailStatus", Failure = new AwsFailure(AwsFailureKind.AccessDenied, "AccessDeniedException", "not allowed") },
                new TrailReading(Org, "us-east-1", true, true) { Logging = true, Selectors = Basic("All") },
            ],
        };

        await s.RunAsync();

        var trail = s.Condition(ConditionTypes.AuditTrailReady);
        Assert.Equal(("True", "TrailLogging"), (trail.Status, trail.Reason));
        Assert.Contains("organization trail " + Org + " (of account 999988887777)", trail.Message, StringComparison.Ordinal);
    }
}
