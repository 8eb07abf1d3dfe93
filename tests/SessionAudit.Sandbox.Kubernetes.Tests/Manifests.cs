namespace SessionAudit.Sandbox.Kubernetes.Tests;

/// <summary>Manifests the tests apply.</summary>
internal static class Manifests
{
    public const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            shortNames: [wd]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - name: Size
              type: integer
              jsonPath: .spec.size
            - name: Mode
              type: string
              jsonPath: .spec.mode
            - name: Ready
              type: string
              jsonPath: .status.conditions[?(@.type=="Ready")].status
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    x-kubernetes-validations:
                    - rule: "self.size <= 100 || self.mode == 'big'"
                      message: "size above 100 needs mode big"
                    properties:
                      size:
                        type: integer
                        minimum: 1
                      mode:
                        type: string
                        enum: [small, big]
                        default: small
                      name:
                        type: string
                        pattern: '^[a-z]+$'
                        maxLength: 10
                      owner:
                        type: string
                      tags:
                        type: array
                        maxItems: 3
                        items:
                          type: string
                  status:
                    type: object
                    properties:
                      observedGeneration:
                        type: integer
                      conditions:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [type]
                        items:
                          type: object
                          required: [type, status]
                          properties:
                            type: {type: string}
                            status: {type: string}
                            observedGeneration: {type: integer}
                            reason: {type: string}
                            message: {type: string}
                            lastTransitionTime: {type: string, format: date-time}
        """;

    public const string ClusterGadgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gadgets.example.com
        spec:
          group: example.com
          scope: Cluster
          names:
            plural: gadgets
            singular: gadget
            kind: Gadget
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-preserve-unknown-fields: true
        """;

    public static string Widget(string name, int size, string? extra = null) => $"""
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: {name}
        spec:
          size: {size}
        {extra ?? ""}
        """;
}
