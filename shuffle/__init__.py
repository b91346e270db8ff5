"""Moving data between stages: serializers, map-side writer, reduce-side reader."""
